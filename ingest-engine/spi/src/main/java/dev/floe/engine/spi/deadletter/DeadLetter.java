package dev.floe.engine.spi.deadletter;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A record that could not be ingested, with everything needed to deliver it to the dead-letter
 * destination and to replay it later.
 *
 * @param topic the source topic
 * @param partition the source partition
 * @param offset the source offset
 * @param timestamp the record's Kafka timestamp, epoch milliseconds
 * @param key the original key bytes, or null
 * @param value the original value bytes, or null
 * @param headers the original headers, in order
 * @param stage where it failed: {@code decode}, {@code write}, ...
 * @param errorCode the error code, such as {@code UNKNOWN_SCHEMA}
 * @param reason what was wrong with it
 * @param failedAt when it failed
 */
public record DeadLetter(
        String topic,
        int partition,
        long offset,
        long timestamp,
        Bytes key,
        Bytes value,
        List<Header> headers,
        String stage,
        String errorCode,
        String reason,
        Instant failedAt) {
    public DeadLetter {
        Objects.requireNonNull(topic, "topic");
        headers = List.copyOf(headers);
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(failedAt, "failedAt");
    }

    /** A Kafka header of the original record. */
    public record Header(String key, Bytes value) {
        public Header {
            Objects.requireNonNull(key, "key");
        }
    }

    /** {@code topic-partition@offset}, for messages. */
    public String location() {
        return topic + "-" + partition + "@" + offset;
    }
}
