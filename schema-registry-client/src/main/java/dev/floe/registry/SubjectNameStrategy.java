package dev.floe.registry;

import java.util.Locale;
import java.util.Objects;

/**
 * How the subject of a record's key or value schema is named, as Confluent's serializers name it.
 * Keys and values have strategies of their own.
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} or {@code <topic>-value}: one schema lineage per topic (the default). */
    TOPIC_NAME("TopicNameStrategy"),
    /** The record's full name: one lineage per record type, shared by every topic. */
    RECORD_NAME("RecordNameStrategy"),
    /** {@code <topic>-<record full name>}: one lineage per record type and topic. */
    TOPIC_RECORD_NAME("TopicRecordNameStrategy");

    private static final String CONFLUENT_PACKAGE = "io.confluent.kafka.serializers.subject.";

    private final String confluentName;

    SubjectNameStrategy(String confluentName) {
        this.confluentName = confluentName;
    }

    /**
     * The subject of {@code part}'s schema for records of {@code topic}.
     *
     * @param recordName the full name of the record type ({@code com.example.Order}); needed by
     *     {@link #RECORD_NAME} and {@link #TOPIC_RECORD_NAME}, ignored by {@link #TOPIC_NAME}
     * @throws IllegalArgumentException when the strategy needs a record name and has none
     */
    public String subject(String topic, RecordPart part, String recordName) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(part, "part");
        if (this == TOPIC_NAME) {
            return topic + (part == RecordPart.KEY ? "-key" : "-value");
        }
        if (recordName == null || recordName.isBlank()) {
            throw new IllegalArgumentException("Cannot name the " + part.name().toLowerCase(Locale.ROOT)
                    + " subject of topic " + topic + ": the " + this + " strategy needs the record's full name");
        }
        return this == RECORD_NAME ? recordName : topic + "-" + recordName;
    }

    /**
     * The strategy called {@code name}: {@code TOPIC_NAME}, {@code topic-name}, {@code
     * TopicNameStrategy} or Confluent's class name {@code
     * io.confluent.kafka.serializers.subject.TopicNameStrategy} (likewise for the others).
     *
     * @throws IllegalArgumentException for any other name
     */
    public static SubjectNameStrategy named(String name) {
        String simple = name.strip();
        if (simple.startsWith(CONFLUENT_PACKAGE)) {
            simple = simple.substring(CONFLUENT_PACKAGE.length());
        }
        for (SubjectNameStrategy strategy : values()) {
            if (strategy.confluentName.equals(simple) || strategy.name().equalsIgnoreCase(simple.replace('-', '_'))) {
                return strategy;
            }
        }
        throw new IllegalArgumentException("Cannot choose a subject name strategy: unknown name '" + name
                + "', expected topic-name, record-name or topic-record-name");
    }
}
