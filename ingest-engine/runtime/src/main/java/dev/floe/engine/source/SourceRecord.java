package dev.floe.engine.source;

import dev.floe.engine.spi.dataflow.RecordMetadata;
import dev.floe.engine.spi.deadletter.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The record a source hands to its pipeline: a view reused for every record of a poll, so that
 * reading costs no object per record. Nothing may keep it past the handler call but what {@link
 * #retain()} returns; {@link #toDeadLetter} copies what a dead letter needs.
 */
public interface SourceRecord extends RecordMetadata {
    @Override
    String topic();

    @Override
    int partition();

    @Override
    long offset();

    /** The record's Kafka timestamp in epoch milliseconds. */
    @Override
    long timestamp();

    /** The key bytes, or null. A view of the fetched buffer. */
    @Override
    ByteBuffer key();

    /** The value bytes, or null for a tombstone. A view of the fetched buffer. */
    ByteBuffer value();

    /**
     * This record as an object that stays valid after the handler returns, for a row that crosses to
     * another thread and may still have to be dead-lettered there.
     */
    SourceRecord retain();

    /** A copy of this record, with its headers, for the dead-letter destination. */
    DeadLetter toDeadLetter(String stage, String errorCode, String reason, Instant failedAt);
}
