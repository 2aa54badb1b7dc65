package dev.floe.engine.source;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Reads and writes the committed offsets of consumer groups that Floe owns and never joins. */
public final class GroupOffsets implements ConsumerGroupOffsets, AutoCloseable {
    private final Admin admin;
    private final Duration timeout;

    public GroupOffsets(Map<String, String> properties, Duration timeout) {
        Properties config = new Properties();
        config.putAll(properties);
        this.admin = Admin.create(config);
        this.timeout = timeout;
    }

    @Override
    public SourceOffsets read(String groupId) {
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw KafkaErrors.classify("read the offsets of consumer group " + groupId, e.getCause());
        } catch (TimeoutException e) {
            throw new RetriableException(
                    EngineErrorCode.KAFKA_FAILED, "Cannot read the offsets of consumer group " + groupId + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException(EngineErrorCode.KAFKA_FAILED, "Interrupted reading group " + groupId, e);
        }
        Map<SourcePartition, Long> offsets = new HashMap<>();
        committed.forEach((partition, offset) -> {
            if (offset != null) {
                offsets.put(new SourcePartition(partition.topic(), partition.partition()), offset.offset());
            }
        });
        return SourceOffsets.of(offsets);
    }

    /** Sets the group's offsets; the group must have no active members (Floe's never do). */
    @Override
    public void commit(String groupId, SourceOffsets offsets, String metadata) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.asMap()
                .forEach((partition, offset) -> commit.put(
                        new TopicPartition(partition.topic(), partition.partition()),
                        new OffsetAndMetadata(offset, metadata)));
        try {
            admin.alterConsumerGroupOffsets(groupId, commit).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw KafkaErrors.classify("commit the offsets of consumer group " + groupId, e.getCause());
        } catch (TimeoutException e) {
            throw new RetriableException(
                    EngineErrorCode.KAFKA_FAILED,
                    "Cannot commit the offsets of consumer group " + groupId + ": " + e,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException(EngineErrorCode.KAFKA_FAILED, "Interrupted committing group " + groupId, e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
