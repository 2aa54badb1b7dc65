package dev.floe.deploy.replay;

import dev.floe.deploy.kafka.ReadCommittedConsumer;
import dev.floe.engine.config.KafkaConfig;
import dev.floe.engine.config.SourceConfig;
import dev.floe.engine.spi.sink.SourcePartition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** What Kafka says of a pipeline's source partitions: which there are, where they begin and end, and offsets by time. */
final class SourceLog implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Duration timeout;

    SourceLog(KafkaConfig config, Duration timeout) {
        this.consumer = ReadCommittedConsumer.open(config, timeout, "floe-replay");
        this.timeout = timeout;
    }

    /** The partitions of the source's topics (or of the topics its pattern matches now). */
    List<SourcePartition> partitions(SourceConfig source) {
        List<SourcePartition> partitions = new ArrayList<>();
        if (source.topicPattern() == null) {
            for (String topic : source.topics()) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
                if (infos == null || infos.isEmpty()) {
                    throw new IllegalArgumentException("Cannot replay topic " + topic + ": it does not exist");
                }
                infos.forEach(info -> partitions.add(new SourcePartition(info.topic(), info.partition())));
            }
        } else {
            consumer.listTopics(timeout).forEach((topic, infos) -> {
                if (source.topicPattern().matcher(topic).matches()) {
                    infos.forEach(info -> partitions.add(new SourcePartition(info.topic(), info.partition())));
                }
            });
        }
        partitions.sort(null);
        return partitions;
    }

    Map<SourcePartition, Long> beginnings(Collection<SourcePartition> partitions) {
        return bySource(consumer.beginningOffsets(topicPartitions(partitions), timeout));
    }

    /** The next offset to be written (read committed) of each partition. */
    Map<SourcePartition, Long> ends(Collection<SourcePartition> partitions) {
        return bySource(consumer.endOffsets(topicPartitions(partitions), timeout));
    }

    /** The first offset at or after {@code time} in each partition; the end where none is. */
    Map<SourcePartition, Long> at(Collection<SourcePartition> partitions, Instant time) {
        Map<TopicPartition, Long> query = new HashMap<>();
        topicPartitions(partitions).forEach(partition -> query.put(partition, time.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
        Map<SourcePartition, Long> ends = ends(partitions);
        Map<SourcePartition, Long> offsets = new HashMap<>();
        for (SourcePartition partition : partitions) {
            OffsetAndTimestamp offset = found.get(new TopicPartition(partition.topic(), partition.partition()));
            offsets.put(partition, offset == null ? ends.get(partition) : offset.offset());
        }
        return offsets;
    }

    private static Map<SourcePartition, Long> bySource(Map<TopicPartition, Long> offsets) {
        Map<SourcePartition, Long> result = new HashMap<>();
        offsets.forEach((partition, offset) ->
                result.put(new SourcePartition(partition.topic(), partition.partition()), offset));
        return result;
    }

    private static List<TopicPartition> topicPartitions(Collection<SourcePartition> partitions) {
        return partitions.stream()
                .map(partition -> new TopicPartition(partition.topic(), partition.partition()))
                .toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
