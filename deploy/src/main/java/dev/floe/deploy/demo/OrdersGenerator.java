package dev.floe.deploy.demo;

import dev.floe.registry.HttpSchemaRegistryClient;
import dev.floe.registry.RegisteredSchema;
import dev.floe.registry.RegistryClientConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces the demo's stream of orders to a Kafka topic: Avro records in Confluent's wire format,
 * keyed by customer, with a configurable share of malformed records of each {@link MalformedKind}.
 *
 * <p>Deterministic: the same settings produce the same records, call after call; each call of
 * {@link #produce} continues where the previous one stopped (order ids, event times). Fast: the
 * records are encoded by hand into a reused buffer and sent in large uncompressed batches.
 *
 * <p>One thread at a time; {@link #close()} is idempotent.
 */
public final class OrdersGenerator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrdersGenerator.class);
    /** Registries count ids up from 1; this one is never handed out in practice. */
    static final int UNKNOWN_SCHEMA_ID = Integer.MAX_VALUE;

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final MalformedKind[] KINDS = MalformedKind.values();

    private final OrdersGeneratorSettings settings;
    private final int schemaId;
    private final KafkaProducer<byte[], byte[]> producer;
    private final OrderStream stream;
    private final OrderEncoder encoder = new OrderEncoder();
    /** Separate from the orders' randomness, so that the fraction does not change the orders. */
    private final SplittableRandom faults;

    private final AtomicBoolean closed = new AtomicBoolean();

    private OrdersGenerator(OrdersGeneratorSettings settings, int schemaId, KafkaProducer<byte[], byte[]> producer) {
        this.settings = settings;
        this.schemaId = schemaId;
        this.producer = producer;
        this.stream = new OrderStream(settings.seed(), settings.firstOrderId(), settings.startTime());
        this.faults = new SplittableRandom(settings.seed() * 31 + 17);
    }

    /** Creates the topic if missing, registers the order schema, and connects the producer. */
    public static OrdersGenerator start(OrdersGeneratorSettings settings) {
        int partitions = ensureTopic(settings);
        int schemaId;
        try (HttpSchemaRegistryClient registry =
                new HttpSchemaRegistryClient(RegistryClientConfig.of(settings.registryUrl()))) {
            schemaId = registry.register(
                    subject(settings.topic()),
                    RegisteredSchema.AVRO,
                    OrderSchema.avro().toString(),
                    List.of());
        }
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        settings.bootstrapServers(),
                        ProducerConfig.CLIENT_ID_CONFIG,
                        "floe-demo-orders",
                        ProducerConfig.COMPRESSION_TYPE_CONFIG,
                        settings.compression(),
                        // few large requests: the broker, not the generator, should be the limit
                        ProducerConfig.LINGER_MS_CONFIG,
                        50,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        1024 * 1024,
                        ProducerConfig.BUFFER_MEMORY_CONFIG,
                        128L * 1024 * 1024),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        LOG.info(
                "Producing orders to {} ({} partitions) with schema id {} under {}",
                settings.topic(),
                partitions,
                schemaId,
                subject(settings.topic()));
        return new OrdersGenerator(settings, schemaId, producer);
    }

    /** The subject the order schema is registered under. */
    public static String subject(String topic) {
        return topic + "-value";
    }

    public int schemaId() {
        return schemaId;
    }

    /** Sends the next {@code count} records and returns once the broker has acknowledged them all. */
    public GeneratorReport produce(long count) {
        if (closed.get()) {
            throw new IllegalStateException("Cannot produce to " + settings.topic() + ": the generator is closed");
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        Callback callback = (metadata, exception) -> {
            if (exception != null) {
                failure.compareAndSet(null, exception);
            }
        };
        long[] malformed = new long[KINDS.length];
        long payloadBytes = 0;
        long started = System.nanoTime();
        for (long i = 0; i < count && failure.get() == null; i++) {
            stream.next();
            byte[] value;
            if (settings.malformedFraction() > 0 && faults.nextDouble() < settings.malformedFraction()) {
                MalformedKind kind = KINDS[faults.nextInt(KINDS.length)];
                malformed[kind.ordinal()]++;
                value = malformed(kind);
            } else {
                encoder.encode(stream, schemaId);
                value = encoder.copy(encoder.length());
            }
            payloadBytes += value.length;
            // the key arrays are shared and never written: the producer only reads them
            producer.send(new ProducerRecord<>(settings.topic(), stream.customerIds[stream.customer], value), callback);
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "Cannot produce orders to " + settings.topic() + ": "
                            + failure.get().getMessage(),
                    failure.get());
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        long bad = malformed[0] + malformed[1] + malformed[2];
        GeneratorReport report = new GeneratorReport(
                count,
                count - bad,
                malformed[MalformedKind.WRONG_MAGIC_BYTE.ordinal()],
                malformed[MalformedKind.UNKNOWN_SCHEMA_ID.ordinal()],
                malformed[MalformedKind.CORRUPT_AVRO.ordinal()],
                payloadBytes,
                elapsed);
        LOG.info(
                "Produced {} orders to {} in {} ms ({} records/s, {} malformed)",
                count,
                settings.topic(),
                elapsed.toMillis(),
                Math.round(report.recordsPerSecond()),
                bad);
        return report;
    }

    private byte[] malformed(MalformedKind kind) {
        switch (kind) {
            case WRONG_MAGIC_BYTE:
                // what a misconfigured producer writes: the order as JSON, no framing
                return ("{\"order_id\":" + stream.orderId + ",\"customer_id\":\""
                                + new String(stream.customerIds[stream.customer], StandardCharsets.US_ASCII)
                                + "\",\"quantity\":" + stream.quantity + "}")
                        .getBytes(StandardCharsets.UTF_8);
            case UNKNOWN_SCHEMA_ID:
                encoder.encode(stream, UNKNOWN_SCHEMA_ID);
                return encoder.copy(encoder.length());
            default:
                // cut the body short: whatever the cut, the decoder runs out of bytes
                encoder.encode(stream, schemaId);
                int body = encoder.length() - OrderEncoder.HEADER_SIZE;
                return encoder.copy(OrderEncoder.HEADER_SIZE + faults.nextInt(body));
        }
    }

    private static int ensureTopic(OrdersGeneratorSettings settings) {
        String topic = settings.topic();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                settings.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) ADMIN_TIMEOUT.toMillis()))) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(settings.partitions()), Optional.empty())))
                        .all()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return settings.partitions();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            return admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic)
                    .partitions()
                    .size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("Cannot create topic " + topic + ": " + cause.getMessage(), cause);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            producer.close(Duration.ofSeconds(30));
        }
    }
}
