package dev.floe.engine.config;

import dev.floe.engine.spi.sink.SourceOffsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The topics a pipeline reads, and where it starts when nothing says what it read already.
 *
 * @param topics the topics, empty when a pattern names them
 * @param topicPattern a pattern for the topics' names, or null
 * @param discoveryInterval how often new partitions and matching topics are looked for
 * @param startFrom where to start in partitions no checkpoint or table knows
 * @param startTimestamp the instant to start at, for {@code TIMESTAMP}
 * @param startOffsets the offsets to start at, for {@code OFFSETS}
 * @param groupId the consumer group whose offsets report lag
 * @param format what a record's value holds
 * @param stopOffsets for a bounded run, where to stop in the partitions it names, if that is
 *     before the end the partition had when the run started ({@code floe replay}); empty for the
 *     end at start
 */
public record SourceConfig(
        List<String> topics,
        Pattern topicPattern,
        Duration discoveryInterval,
        EngineOptions.StartPosition startFrom,
        Instant startTimestamp,
        SourceOffsets startOffsets,
        String groupId,
        EngineOptions.SourceFormat format,
        SourceOffsets stopOffsets) {
    public SourceConfig {
        Objects.requireNonNull(stopOffsets, "stopOffsets");
        Objects.requireNonNull(format, "format");
        topics = List.copyOf(topics);
        Objects.requireNonNull(discoveryInterval, "discoveryInterval");
        Objects.requireNonNull(startFrom, "startFrom");
        Objects.requireNonNull(startOffsets, "startOffsets");
        Objects.requireNonNull(groupId, "groupId");
        if (topics.isEmpty() == (topicPattern == null)) {
            throw new IllegalArgumentException("a source reads either topics or a topic pattern");
        }
        if (startFrom == EngineOptions.StartPosition.TIMESTAMP && startTimestamp == null) {
            throw new IllegalArgumentException("startFrom: timestamp needs a startTimestamp");
        }
    }

    /** A source of Avro rows. */
    public SourceConfig(
            List<String> topics,
            Pattern topicPattern,
            Duration discoveryInterval,
            EngineOptions.StartPosition startFrom,
            Instant startTimestamp,
            SourceOffsets startOffsets,
            String groupId) {
        this(
                topics,
                topicPattern,
                discoveryInterval,
                startFrom,
                startTimestamp,
                startOffsets,
                groupId,
                EngineOptions.SourceFormat.AVRO,
                SourceOffsets.empty());
    }

    /** The same source with values of {@code value}'s format. */
    public SourceConfig withFormat(EngineOptions.SourceFormat value) {
        return new SourceConfig(
                topics,
                topicPattern,
                discoveryInterval,
                startFrom,
                startTimestamp,
                startOffsets,
                groupId,
                value,
                stopOffsets);
    }

    /**
     * The same source reading, in a bounded run, from {@code start} up to {@code stop} (exclusive)
     * in each partition, reporting lag as {@code group}: how {@code floe replay} reads a range.
     */
    public SourceConfig withRange(SourceOffsets start, SourceOffsets stop, String group) {
        return new SourceConfig(
                topics,
                topicPattern,
                discoveryInterval,
                EngineOptions.StartPosition.OFFSETS,
                null,
                start,
                group,
                format,
                stop);
    }

    /** A source of fixed topics, starting at the earliest offsets. */
    public static SourceConfig of(List<String> topics, String groupId) {
        return new SourceConfig(
                topics,
                null,
                Duration.ofSeconds(30),
                EngineOptions.StartPosition.EARLIEST,
                null,
                SourceOffsets.empty(),
                groupId);
    }

    /** What the source reads, for messages. */
    public String describe() {
        return topicPattern == null ? topics.toString() : "topics matching " + topicPattern.pattern();
    }
}
