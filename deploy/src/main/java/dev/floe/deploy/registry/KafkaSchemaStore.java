package dev.floe.deploy.registry;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's state kept in a compacted, single-partition Kafka topic.
 *
 * <p>A reader thread tails the topic (read-committed) and applies every record to the in-memory
 * {@link RegistryState}; on open it replays the topic from the beginning. Writes never touch the
 * state directly: they are appended to the topic and answered only once the reader has applied
 * them, so a registry always reads its own writes, and every process on the topic converges on the
 * same state.
 *
 * <p>Several registries may share one topic. Each writes with a transactional producer whose
 * {@code transactional.id} is derived from the topic, so at most one of them can commit at a time:
 * initializing the producer fences the previous holder of that id and completes or aborts its open
 * transaction. A write therefore (1) holds the writer role, (2) reads the topic up to its end, (3)
 * decides ids and versions from that state, (4) commits. If another registry took the role in
 * between, the commit fails as fenced, nothing was written, and the write starts over by taking
 * the role back after a short random pause, up to {@value #WRITE_ATTEMPTS} times; then the
 * request fails with a store error that says so. A commit the broker failed for another reason
 * (an unknown server error while ending the transaction) is retried the same way: taking the role
 * again completes or aborts the transaction, and deciding again from the state read up to the end
 * of the topic finds the write there if it did commit, so it is never applied twice. Ids can thus never be handed out twice, without electing a leader or forwarding
 * requests. Every change goes this way: registrations, config and mode changes, soft and
 * permanent deletions (one transaction each, however many records). Registrations of known
 * schemas are answered without taking the role.
 */
final class KafkaSchemaStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaStore.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final int WRITE_ATTEMPTS = 10;

    /**
     * A write's transaction did not commit for certain: this registry lost the writer role (nothing
     * was committed), or the broker failed the commit otherwise (its outcome is settled when the
     * role is taken again).
     */
    private static final class WriteNotCommitted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final boolean fenced;

        WriteNotCommitted(KafkaException cause, boolean fenced) {
            super(cause.getMessage(), cause);
            this.fenced = fenced;
        }
    }

    /**
     * What a write decided from the current state: the records to append (none when the state
     * already holds the answer) and how to answer from the state that includes them.
     */
    record Write<T>(Map<StoreKey, StoreValue> records, Function<RegistryState, T> answer) {
        static <T> Write<T> answered(Function<RegistryState, T> answer) {
            return new Write<>(Map.of(), answer);
        }

        static <T> Write<T> append(StoreKey key, StoreValue value, Function<RegistryState, T> answer) {
            // a null value is a tombstone, which Map.of cannot hold
            Map<StoreKey, StoreValue> records = new LinkedHashMap<>();
            records.put(key, value);
            return new Write<>(records, answer);
        }
    }

    private final String topic;
    private final TopicPartition partition;
    private final Duration timeout;
    private final String bootstrapServers;
    private final StoreCodec codec = new StoreCodec();
    private final RegistryState state;
    private final ReentrantReadWriteLock stateLock = new ReentrantReadWriteLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread reader;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Taking the role back at once could abort the other registry's transaction just as it took
     * the role from us, and so on: a random, growing pause lets one of them finish.
     */
    private final RetryPolicy<Object> fencingRetry;

    /** Guards {@link #position} and {@link #failure}; notified whenever the reader advances. */
    private final Object progress = new Object();

    private long position;
    private RuntimeException failure;

    /** Guarded by {@link #writeLock}; null until the first write and after being fenced. */
    private volatile KafkaProducer<byte[], byte[]> producer;

    private KafkaSchemaStore(
            String bootstrapServers, String topic, CompatibilityLevel defaultCompatibility, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.timeout = timeout;
        this.state = new RegistryState(defaultCompatibility);
        this.fencingRetry = RetryPolicy.builder()
                .handle(WriteNotCommitted.class)
                .withMaxAttempts(WRITE_ATTEMPTS)
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(1_000))
                .withJitter(0.5)
                .onRetry(event -> {
                    WriteNotCommitted failure = (WriteNotCommitted) event.getLastException();
                    if (failure.fenced) {
                        LOG.info(
                                "Another registry took the writer role on {} (attempt {} of {}): taking it back",
                                topic,
                                event.getAttemptCount(),
                                WRITE_ATTEMPTS);
                    } else {
                        LOG.warn(
                                "The broker failed a write to {} (attempt {} of {}): {}; writing again",
                                topic,
                                event.getAttemptCount(),
                                WRITE_ATTEMPTS,
                                failure.getMessage());
                    }
                })
                .build();
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG,
                "floe-schema-registry-admin",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) timeout.toMillis()));
        this.consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.CLIENT_ID_CONFIG,
                        "floe-schema-registry-reader",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        // the reader waits for the broker, not the other way round: small waits keep
                        // read-your-writes fast once a transaction marker is the last record
                        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                        50),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.reader = new Thread(this::readLoop, "floe-schema-store-" + topic);
        this.reader.setDaemon(true);
    }

    /**
     * Opens the store on {@code topic}, creating the topic if missing, and returns once the topic
     * has been replayed up to its end.
     */
    static KafkaSchemaStore open(
            String bootstrapServers, String topic, CompatibilityLevel defaultCompatibility, Duration timeout) {
        long started = System.nanoTime();
        KafkaSchemaStore store = new KafkaSchemaStore(bootstrapServers, topic, defaultCompatibility, timeout);
        try {
            SchemaTopic.ensure(store.admin, topic, timeout);
            store.consumer.assign(List.of(store.partition));
            store.consumer.seekToBeginning(List.of(store.partition));
            store.reader.start();
            store.catchUp();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        store.read(replayed -> {
            LOG.info(
                    "Schema store {} replayed in {} ms: {} records, {} schemas, {} subjects",
                    topic,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    replayed.appliedRecords(),
                    replayed.schemaCount(),
                    replayed.subjects(true).size());
            return null;
        });
        return store;
    }

    String topic() {
        return topic;
    }

    /** Answers {@code query} from the state as this process knows it now. */
    <T> T read(Function<RegistryState, T> query) {
        synchronized (progress) {
            if (failure != null) {
                throw failed();
            }
        }
        stateLock.readLock().lock();
        try {
            return query.apply(state);
        } finally {
            stateLock.readLock().unlock();
        }
    }

    /** Answers {@code query} after reading the topic up to its end: sees every committed write. */
    <T> T readLatest(Function<RegistryState, T> query) {
        catchUp();
        return read(query);
    }

    /**
     * Decides a write from the latest state, appends it to the topic, and answers from the state
     * once the write has been read back. Writes of this process run one at a time.
     */
    <T> T write(Function<RegistryState, Write<T>> decision) {
        writeLock.lock();
        try {
            return Failsafe.with(fencingRetry).get(() -> attemptWrite(decision));
        } catch (WriteNotCommitted e) {
            throw new RegistryException(
                    RegistryError.STORE_ERROR,
                    "Cannot write to the schema store topic " + topic + ": "
                            + (e.fenced
                                    ? "other registries took the writer role " + WRITE_ATTEMPTS + " times in a row"
                                    : WRITE_ATTEMPTS + " attempts failed, the last with: " + e.getMessage()),
                    e);
        } finally {
            writeLock.unlock();
        }
    }

    private <T> T attemptWrite(Function<RegistryState, Write<T>> decision) {
        KafkaProducer<byte[], byte[]> writer = writer();
        catchUp();
        Write<T> write = read(decision);
        if (write.records().isEmpty()) {
            return read(write.answer());
        }
        long lastOffset;
        try {
            lastOffset = append(writer, write.records());
        } catch (KafkaException e) {
            discardWriter();
            if (e instanceof TimeoutException) {
                // the broker is away: every attempt would wait as long again
                throw storeError("write to", e);
            }
            throw new WriteNotCommitted(e, fenced(e));
        }
        awaitPosition(lastOffset + 1);
        return read(write.answer());
    }

    private long append(KafkaProducer<byte[], byte[]> writer, Map<StoreKey, StoreValue> records) {
        writer.beginTransaction();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (Map.Entry<StoreKey, StoreValue> record : records.entrySet()) {
            byte[] value = record.getValue() == null ? null : codec.encodeValue(record.getValue());
            sent.add(writer.send(new ProducerRecord<>(topic, 0, codec.encodeKey(record.getKey()), value)));
        }
        writer.commitTransaction();
        long last = -1;
        for (Future<RecordMetadata> metadata : sent) {
            try {
                last = Math.max(last, metadata.get().offset());
            } catch (ExecutionException e) {
                throw new KafkaException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("Interrupted after committing to " + topic, e);
            }
        }
        return last;
    }

    private KafkaProducer<byte[], byte[]> writer() {
        KafkaProducer<byte[], byte[]> current = producer;
        if (current != null) {
            return current;
        }
        KafkaProducer<byte[], byte[]> created = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.CLIENT_ID_CONFIG,
                        "floe-schema-registry-writer",
                        // one id per topic: whoever initializes it last is the only one able to commit
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        "floe-schema-registry-" + topic,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        timeout.toMillis()),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        try {
            created.initTransactions();
        } catch (KafkaException e) {
            created.close(Duration.ZERO);
            throw storeError("take the writer role on", e);
        }
        producer = created;
        return created;
    }

    private void discardWriter() {
        KafkaProducer<byte[], byte[]> current = producer;
        producer = null;
        if (current != null) {
            current.close(Duration.ZERO);
        }
    }

    private static boolean fenced(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }

    private RegistryException storeError(String action, KafkaException e) {
        RegistryError error = e instanceof TimeoutException ? RegistryError.STORE_TIMEOUT : RegistryError.STORE_ERROR;
        return new RegistryException(
                error, "Cannot " + action + " the schema store topic " + topic + ": " + e.getMessage(), e);
    }

    /** Waits until the reader has applied everything committed to the topic so far. */
    private void catchUp() {
        long end;
        try {
            end = admin.listOffsets(
                            Map.of(partition, OffsetSpec.latest()),
                            new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .partitionResult(partition)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryError.STORE_ERROR, "Interrupted while reading " + topic, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new RegistryException(
                    RegistryError.STORE_TIMEOUT,
                    "Cannot find the end of the schema store topic " + topic + ": " + cause.getMessage(),
                    cause);
        }
        awaitPosition(end);
    }

    private void awaitPosition(long target) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (position < target) {
                if (failure != null) {
                    throw failed();
                }
                if (closed.get()) {
                    throw new RegistryException(
                            RegistryError.STORE_ERROR, "Cannot read the schema store topic " + topic + ": closed");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new RegistryException(
                            RegistryError.STORE_TIMEOUT,
                            "Cannot read the schema store topic " + topic + " up to offset " + target + " within "
                                    + timeout.toMillis() + " ms: the reader is at offset " + position);
                }
                try {
                    progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryException(RegistryError.STORE_ERROR, "Interrupted while reading " + topic, e);
                }
            }
        }
    }

    private RegistryException failed() {
        return new RegistryException(RegistryError.STORE_ERROR, failure.getMessage(), failure);
    }

    private void readLoop() {
        try {
            while (!closed.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
                if (!records.isEmpty()) {
                    apply(records);
                }
                long next = consumer.position(partition);
                synchronized (progress) {
                    position = next;
                    progress.notifyAll();
                }
            }
        } catch (WakeupException e) {
            if (!closed.get()) {
                fail(new IllegalStateException("Cannot read the schema store topic " + topic + ": woken up", e));
            }
        } catch (RuntimeException e) {
            fail(e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        }
    }

    private void apply(ConsumerRecords<byte[], byte[]> records) {
        stateLock.writeLock().lock();
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                StoreKey key;
                StoreValue value;
                try {
                    key = codec.decodeKey(record.key());
                    value = codec.decodeValue(key, record.value());
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(
                            "Cannot read the schema store topic " + topic + " at offset " + record.offset() + ": "
                                    + e.getMessage(),
                            e);
                }
                state.apply(key, value);
            }
        } finally {
            stateLock.writeLock().unlock();
        }
    }

    private void fail(RuntimeException error) {
        LOG.error("The schema store stopped reading {}; the registry answers 50001 until restarted", topic, error);
        synchronized (progress) {
            failure = error;
            progress.notifyAll();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        consumer.wakeup();
        synchronized (progress) {
            progress.notifyAll();
        }
        if (reader.isAlive()) {
            try {
                reader.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (reader.getState() == Thread.State.NEW) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        }
        discardWriter();
        admin.close(Duration.ofSeconds(5));
    }
}
