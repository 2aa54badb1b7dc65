package dev.floe.it.bench;

import dev.floe.engine.format.AvroToIceberg;
import dev.floe.engine.format.ConfluentAvroDecoder;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.iceberg.write.RowParquetWriters;
import dev.floe.registry.CachingSchemaRegistry;
import dev.floe.registry.HttpSchemaRegistryClient;
import dev.floe.registry.RegistryClientConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.inmemory.InMemoryOutputFile;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;

/**
 * What the hardware allows on the benchmark's data, measured in the same run: a raw consumer that
 * reads the whole topic as bytes (nothing decoded), and Avro decode plus Parquet encode of the same
 * records on one thread in memory (no broker, no disk, no commit) with the engine's own decoder and
 * row writer. Floe's figures are reported as fractions of these.
 */
final class PhysicalBound {
    /** Rows per in-memory Parquet file: files of about the size Floe writes per checkpoint. */
    private static final int ROWS_PER_FILE = 1_000_000;

    private static final long WARM_UP = 1_000_000;

    private PhysicalBound() {}

    /** A pass over the data: records, bytes, wall time and the CPU time of the measuring thread. */
    record Pass(long records, long bytes, Duration elapsed, Duration cpu, long files, long fileBytes) {
        double recordsPerSecond() {
            return records / (elapsed.toNanos() / 1e9);
        }

        double megabytesPerSecond() {
            return bytes / 1e6 / (elapsed.toNanos() / 1e9);
        }

        double cpuSecondsPerMillion() {
            return cpu.toNanos() / 1e9 / (records / 1e6);
        }
    }

    /** The values read by {@link #consume}, copied into arrays so the encode pass can reuse them. */
    static final class Values {
        private final List<byte[]> chunks = new ArrayList<>();
        private final List<int[]> bounds = new ArrayList<>();
        private byte[] chunk = new byte[1 << 24];
        private int[] ends = new int[1 << 18];
        private int used;
        private int count;
        private long total;

        void add(ByteBuffer value) {
            int length = value.remaining();
            if (used + length > chunk.length || count == ends.length) {
                seal();
                chunk = new byte[Math.max(1 << 24, length)];
                ends = new int[1 << 18];
            }
            value.duplicate().get(chunk, used, length);
            used += length;
            ends[count++] = used;
            total++;
        }

        private void seal() {
            if (count > 0) {
                chunks.add(chunk);
                int[] sealed = new int[count];
                System.arraycopy(ends, 0, sealed, 0, count);
                bounds.add(sealed);
            }
            used = 0;
            count = 0;
        }

        long size() {
            return total;
        }

        /** Hands every value to {@code consumer}, in the order they were read. */
        void forEach(java.util.function.Consumer<ByteBuffer> consumer) {
            seal();
            for (int c = 0; c < chunks.size(); c++) {
                byte[] array = chunks.get(c);
                int start = 0;
                for (int end : bounds.get(c)) {
                    consumer.accept(ByteBuffer.wrap(array, start, end - start));
                    start = end;
                }
            }
        }
    }

    /**
     * Reads every partition of {@code topic} from the start to its current end with one consumer,
     * as bytes, after a first pass that warms up the consumer's code and the broker's page cache;
     * the first pass keeps the values in {@code keep} for the encode pass.
     */
    static Pass consume(String bootstrap, String topic, Values keep) {
        read(bootstrap, topic, keep);
        return read(bootstrap, topic, null);
    }

    private static Pass read(String bootstrap, String topic, Values keep) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "4096",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(4 << 20),
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (KafkaConsumer<ByteBuffer, ByteBuffer> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long expected = consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            long records = 0;
            long bytes = 0;
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            while (records < expected) {
                ConsumerRecords<ByteBuffer, ByteBuffer> polled = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<ByteBuffer, ByteBuffer> record : polled) {
                    records++;
                    bytes += record.serializedValueSize();
                    if (keep != null) {
                        keep.add(record.value());
                    }
                }
            }
            long elapsed = System.nanoTime() - start;
            long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
            return new Pass(records, bytes, Duration.ofNanos(elapsed), Duration.ofNanos(cpu), 0, 0);
        }
    }

    /**
     * Decodes every value with the engine's decoder and writes the rows with the engine's Parquet
     * row writer into in-memory files, with the table properties Floe's table gets ({@code
     * properties}: compression codec, page and row-group sizes). A first pass over up to {@value
     * #WARM_UP} records warms the code up and is not counted.
     */
    static Pass decodeAndEncode(
            String registryUrl, org.apache.avro.Schema avroSchema, Values values, Map<String, String> properties) {
        Schema schema = AvroToIceberg.convert(avroSchema);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (CachingSchemaRegistry registry =
                new CachingSchemaRegistry(new HttpSchemaRegistryClient(RegistryClientConfig.of(registryUrl)))) {
            ConfluentAvroDecoder decoder = new ConfluentAvroDecoder(registry, RowType::of);
            Encoder warmUp = new Encoder(schema, properties);
            long[] seen = new long[1];
            values.forEach(value -> {
                if (seen[0]++ < WARM_UP) {
                    warmUp.add(decoder.decode(value));
                }
            });
            warmUp.finish();
            Encoder encoder = new Encoder(schema, properties);
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long[] bytes = new long[1];
            values.forEach(value -> {
                bytes[0] += value.remaining();
                encoder.add(decoder.decode(value));
            });
            encoder.finish();
            long elapsed = System.nanoTime() - start;
            long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
            return new Pass(
                    values.size(),
                    bytes[0],
                    Duration.ofNanos(elapsed),
                    Duration.ofNanos(cpu),
                    encoder.files,
                    encoder.fileBytes);
        }
    }

    /** Parquet files in memory, rolled every {@link #ROWS_PER_FILE} rows. */
    private static final class Encoder {
        private final Schema schema;
        private final Map<String, String> properties;
        private FileAppender<Row> appender;
        private InMemoryOutputFile file;
        private long rows;
        long files;
        long fileBytes;

        Encoder(Schema schema, Map<String, String> properties) {
            this.schema = schema;
            this.properties = properties;
        }

        void add(Row row) {
            if (appender == null) {
                file = new InMemoryOutputFile();
                try {
                    appender = Parquet.write(file)
                            .schema(schema)
                            .setAll(properties)
                            .createWriterFunc(message -> RowParquetWriters.build(schema, message))
                            .overwrite()
                            .build();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            appender.add(row);
            if (++rows == ROWS_PER_FILE) {
                finish();
            }
        }

        void finish() {
            if (appender == null) {
                return;
            }
            try {
                appender.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            files++;
            fileBytes += file.toByteArray().length;
            appender = null;
            file = null;
            rows = 0;
        }
    }
}
