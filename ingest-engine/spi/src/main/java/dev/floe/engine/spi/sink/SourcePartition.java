package dev.floe.engine.spi.sink;

import java.util.Objects;

/** A Kafka topic-partition, without depending on Kafka's client. */
public record SourcePartition(String topic, int partition) implements Comparable<SourcePartition> {
    public SourcePartition {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must not be negative: " + partition);
        }
    }

    @Override
    public int compareTo(SourcePartition other) {
        int byTopic = topic.compareTo(other.topic);
        return byTopic != 0 ? byTopic : Integer.compare(partition, other.partition);
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
