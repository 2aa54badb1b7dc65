package dev.floe.engine.spi.dataflow;

import java.nio.ByteBuffer;

/**
 * The Kafka record a row was decoded from, as a stateless operator sees it during {@link
 * Operator#process}: valid only during that call, and reused for the next record.
 */
public interface RecordMetadata {
    String topic();

    int partition();

    long offset();

    /** The record's Kafka timestamp, epoch milliseconds. */
    long timestamp();

    /** The key bytes, or null; a read-only view, valid during the call. */
    ByteBuffer key();

    /** How many headers the record has. */
    int headerCount();

    /** The key of header {@code index}, in the record's order. */
    String headerKey(int index);

    /** The value of header {@code index}, or null. */
    byte[] headerValue(int index);
}
