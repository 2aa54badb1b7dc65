package dev.floe.engine.source;

import dev.floe.engine.deadletter.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The record a source hands to its pipeline: a view reused for every record of a poll, so that
 * reading costs no object per record. Nothing may keep it past the handler call; {@link
 * #toDeadLetter} copies what a dead letter needs.
 */
public interface SourceRecord {
    String topic();

    int partition();

    long offset();

    /** The record's Kafka timestamp in epoch milliseconds. */
    long timestamp();

    /** The key bytes, or null. A view of the fetched buffer. */
    ByteBuffer key();

    /** The value bytes, or null for a tombstone. A view of the fetched buffer. */
    ByteBuffer value();

    /** A copy of this record, with its headers, for the dead-letter destination. */
    DeadLetter toDeadLetter(String stage, String errorCode, String reason, Instant failedAt);
}
