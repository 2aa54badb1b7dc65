package dev.floe.deploy.audit;

import dev.floe.deploy.kafka.ReadCommittedConsumer;
import dev.floe.engine.config.KafkaConfig;
import dev.floe.engine.deadletter.KafkaDeadLetterPublisher;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.iceberg.SnapshotMarkers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * What Kafka says about source partitions, read with a read-committed consumer that joins no
 * group: end offsets, how many records a range holds, and which offsets were dead-lettered.
 */
final class KafkaOffsets implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Duration timeout;

    KafkaOffsets(KafkaConfig config, Duration timeout) {
        this.consumer = ReadCommittedConsumer.open(config, timeout, "floe-audit");
        this.timeout = timeout;
    }

    /** The next offset to be written of each partition (the last stable offset, read committed). */
    Map<SourcePartition, Long> endOffsets(Collection<SourcePartition> partitions) {
        Map<SourcePartition, Long> ends = new HashMap<>();
        consumer.endOffsets(topicPartitions(partitions), timeout)
                .forEach((partition, offset) ->
                        ends.put(new SourcePartition(partition.topic(), partition.partition()), offset));
        return ends;
    }

    /** The first offset still in each partition (retention may have deleted earlier ones). */
    Map<SourcePartition, Long> beginningOffsets(Collection<SourcePartition> partitions) {
        Map<SourcePartition, Long> starts = new HashMap<>();
        consumer.beginningOffsets(topicPartitions(partitions), timeout)
                .forEach((partition, offset) ->
                        starts.put(new SourcePartition(partition.topic(), partition.partition()), offset));
        return starts;
    }

    /**
     * The records in offsets {@code [from, to)} of {@code partition}; fewer than {@code to - from}
     * where transaction markers or aborted records take offsets.
     */
    long records(SourcePartition partition, long from, long to) {
        if (to <= from) {
            return 0;
        }
        TopicPartition topicPartition = new TopicPartition(partition.topic(), partition.partition());
        consumer.assign(List.of(topicPartition));
        consumer.seek(topicPartition, from);
        long count = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(topicPartition, timeout) < to) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Cannot read offsets [" + from + ", " + to + ") of " + partition
                        + " within " + timeout + ": stopped at " + consumer.position(topicPartition));
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (record.offset() < to) {
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * The source offsets that {@code pipelineIds} dead-lettered to {@code topic}, by source
     * partition, as the letters' {@code floe.source.*} and {@code floe.pipeline} headers name them.
     */
    Map<SourcePartition, Set<Long>> deadLettered(String topic, Collection<String> pipelineIds) {
        Map<SourcePartition, Set<Long>> offsets = new HashMap<>();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            return offsets;
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(partitions, ends)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Cannot read dead-letter topic " + topic + " to its end within " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                String pipeline = header(record, KafkaDeadLetterPublisher.HEADER_PIPELINE);
                String sourceTopic = header(record, KafkaDeadLetterPublisher.HEADER_TOPIC);
                String sourcePartition = header(record, KafkaDeadLetterPublisher.HEADER_PARTITION);
                String sourceOffset = header(record, KafkaDeadLetterPublisher.HEADER_OFFSET);
                if (sourceTopic == null || sourcePartition == null || sourceOffset == null) {
                    continue;
                }
                if (pipeline != null && !SnapshotMarkers.isLineageOf(pipeline, pipelineIds)) {
                    continue;
                }
                offsets.computeIfAbsent(
                                new SourcePartition(sourceTopic, Integer.parseInt(sourcePartition)),
                                key -> new HashSet<>())
                        .add(Long.parseLong(sourceOffset));
            }
        }
        return offsets;
    }

    private boolean reached(List<TopicPartition> partitions, Map<TopicPartition, Long> ends) {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition, timeout) < ends.getOrDefault(partition, 0L)) {
                return false;
            }
        }
        return true;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<TopicPartition> topicPartitions(Collection<SourcePartition> partitions) {
        List<TopicPartition> topicPartitions = new ArrayList<>();
        partitions.forEach(
                partition -> topicPartitions.add(new TopicPartition(partition.topic(), partition.partition())));
        return topicPartitions;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
