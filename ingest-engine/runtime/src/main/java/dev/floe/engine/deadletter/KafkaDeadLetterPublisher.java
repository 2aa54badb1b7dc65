package dev.floe.engine.deadletter;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.source.ConsumerGroupOffsets;
import dev.floe.engine.spi.deadletter.DeadLetter;
import dev.floe.engine.spi.deadletter.DeadLetterDelivery;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.sink.SourceOffsets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteBufferSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a checkpoint's dead letters to the dead-letter topic and advances a marker, in one Kafka
 * transaction: the marker is a consumer group (never joined) whose offsets are the checkpoint's.
 *
 * <p>A dead letter of partition p at offset o was delivered exactly when o is below the marker's
 * offset for p, so after any restart, with or without checkpoint storage, Floe delivers each one
 * once. The fixed transactional id fences an older process of the same pipeline.
 */
public final class KafkaDeadLetterPublisher implements DeadLetterDelivery, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaDeadLetterPublisher.class);

    public static final String HEADER_REASON = "floe.error.reason";
    public static final String HEADER_CODE = "floe.error.code";
    public static final String HEADER_STAGE = "floe.error.stage";
    public static final String HEADER_TOPIC = "floe.source.topic";
    public static final String HEADER_PARTITION = "floe.source.partition";
    public static final String HEADER_OFFSET = "floe.source.offset";
    public static final String HEADER_TIMESTAMP = "floe.source.timestamp";
    public static final String HEADER_FAILED_AT = "floe.error.time";
    public static final String HEADER_PIPELINE = "floe.pipeline";
    public static final String HEADER_CHECKPOINT = "floe.checkpoint-id";

    private final String pipelineId;
    private final String topic;
    private final String markerGroupId;
    private final Duration timeout;
    private final Map<String, String> producerProperties;
    private final Admin admin;
    private final ConsumerGroupOffsets groups;
    private KafkaProducer<ByteBuffer, ByteBuffer> producer;

    /**
     * @param pipelineId the pipeline, named in headers and in the transactional id
     * @param topic the dead-letter topic
     * @param markerGroupId the consumer group whose offsets mark what was delivered
     * @param producerProperties producer properties (bootstrap servers, security)
     * @param adminProperties admin client properties, to create the topic
     * @param groups reads the marker group
     * @param timeout how long one delivery may take
     */
    public KafkaDeadLetterPublisher(
            String pipelineId,
            String topic,
            String markerGroupId,
            Map<String, String> producerProperties,
            Map<String, String> adminProperties,
            ConsumerGroupOffsets groups,
            Duration timeout) {
        this.pipelineId = pipelineId;
        this.topic = topic;
        this.markerGroupId = markerGroupId;
        this.timeout = timeout;
        this.producerProperties = Map.copyOf(producerProperties);
        this.groups = groups;
        Properties admin = new Properties();
        admin.putAll(adminProperties);
        this.admin = Admin.create(admin);
    }

    public String topic() {
        return topic;
    }

    @Override
    public String describe() {
        return "topic " + topic;
    }

    /** Creates the dead-letter topic when it does not exist, so a cluster without auto-creation works. */
    public void ensureTopic() {
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!existing.contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
                        .all()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("Created dead-letter topic {} for pipeline {}", topic, pipelineId);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new RetriableException(
                        EngineErrorCode.DEAD_LETTER_FAILED,
                        "Cannot create dead-letter topic " + topic + ": " + e.getCause(),
                        e);
            }
        } catch (TimeoutException e) {
            throw new RetriableException(
                    EngineErrorCode.DEAD_LETTER_FAILED,
                    "Cannot create dead-letter topic " + topic + ": Kafka did not answer",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException(EngineErrorCode.DEAD_LETTER_FAILED, "Interrupted creating " + topic, e);
        }
    }

    @Override
    public SourceOffsets delivered() {
        return groups.read(markerGroupId);
    }

    /**
     * Delivers {@code letters} and moves the marker to {@code offsets}, atomically.
     *
     * @throws RetriableException when Kafka fails; nothing of the transaction is visible
     * @throws FatalException when another process of this pipeline fenced this one
     */
    @Override
    public void deliver(long checkpointId, List<DeadLetter> letters, SourceOffsets offsets) {
        KafkaProducer<ByteBuffer, ByteBuffer> transactional = producer();
        try {
            transactional.beginTransaction();
            for (DeadLetter letter : letters) {
                transactional.send(record(checkpointId, letter));
            }
            Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
            offsets.asMap()
                    .forEach((partition, offset) -> commit.put(
                            new TopicPartition(partition.topic(), partition.partition()),
                            new OffsetAndMetadata(offset, "floe checkpoint " + checkpointId)));
            transactional.sendOffsetsToTransaction(commit, new ConsumerGroupMetadata(markerGroupId));
            transactional.commitTransaction();
            if (!letters.isEmpty()) {
                LOG.info(
                        "Delivered {} dead letters of checkpoint {} of pipeline {} to {}",
                        letters.size(),
                        checkpointId,
                        pipelineId,
                        topic);
            }
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            discardProducer();
            throw new FatalException(
                    EngineErrorCode.DEAD_LETTER_FAILED,
                    "Cannot deliver dead letters of pipeline " + pipelineId + ": another process of the same pipeline"
                            + " took over its transactional id (" + e.getMessage() + ")",
                    e);
        } catch (KafkaException e) {
            discardProducer();
            throw new RetriableException(
                    EngineErrorCode.DEAD_LETTER_FAILED,
                    "Cannot deliver " + letters.size() + " dead letters of checkpoint " + checkpointId + " to " + topic
                            + ": " + e,
                    e);
        }
    }

    private ProducerRecord<ByteBuffer, ByteBuffer> record(long checkpointId, DeadLetter letter) {
        RecordHeaders headers = new RecordHeaders();
        for (DeadLetter.Header header : letter.headers()) {
            headers.add(new RecordHeader(
                    header.key(), header.value() == null ? null : header.value().toArray()));
        }
        headers.add(header(HEADER_REASON, letter.reason()));
        headers.add(header(HEADER_CODE, letter.errorCode()));
        headers.add(header(HEADER_STAGE, letter.stage()));
        headers.add(header(HEADER_TOPIC, letter.topic()));
        headers.add(header(HEADER_PARTITION, Integer.toString(letter.partition())));
        headers.add(header(HEADER_OFFSET, Long.toString(letter.offset())));
        headers.add(header(HEADER_TIMESTAMP, Long.toString(letter.timestamp())));
        headers.add(header(HEADER_FAILED_AT, letter.failedAt().toString()));
        headers.add(header(HEADER_PIPELINE, pipelineId));
        headers.add(header(HEADER_CHECKPOINT, Long.toString(checkpointId)));
        return new ProducerRecord<>(
                topic,
                null,
                letter.timestamp() >= 0 ? letter.timestamp() : null,
                letter.key() == null ? null : letter.key().asBuffer(),
                letter.value() == null ? null : letter.value().asBuffer(),
                headers);
    }

    private static RecordHeader header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private KafkaProducer<ByteBuffer, ByteBuffer> producer() {
        if (producer == null) {
            Properties config = new Properties();
            config.putAll(producerProperties);
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "floe-" + pipelineId);
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteBufferSerializer.class.getName());
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteBufferSerializer.class.getName());
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout.toMillis()));
            // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis() * 2));
            config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "floe-" + pipelineId + "-dead-letters");
            KafkaProducer<ByteBuffer, ByteBuffer> created = new KafkaProducer<>(config);
            try {
                // aborts whatever an earlier process of this pipeline left open
                created.initTransactions();
            } catch (KafkaException e) {
                created.close(Duration.ZERO);
                throw new RetriableException(
                        EngineErrorCode.DEAD_LETTER_FAILED,
                        "Cannot start the dead-letter transactions of pipeline " + pipelineId + ": " + e,
                        e);
            }
            producer = created;
        }
        return producer;
    }

    private void discardProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(timeout);
            producer = null;
        }
        admin.close(Duration.ofSeconds(5));
    }
}
