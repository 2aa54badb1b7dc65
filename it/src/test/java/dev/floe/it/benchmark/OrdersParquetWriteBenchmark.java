package dev.floe.it.benchmark;

import dev.floe.deploy.demo.OrderSamples;
import dev.floe.deploy.demo.OrderSchema;
import dev.floe.engine.format.AvroToIceberg;
import dev.floe.engine.format.ConfluentAvroDecoder;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.iceberg.write.RowParquetWriters;
import dev.floe.registry.CachingSchemaRegistry;
import dev.floe.registry.HttpSchemaRegistryClient;
import dev.floe.registry.RegistryClientConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.inmemory.InMemoryOutputFile;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a subtask of an append pipeline does per record after the fetch: decode a Confluent-framed
 * order into the reused row ({@link ConfluentAvroDecoder}) and write it with the engine's Parquet
 * row writer ({@link RowParquetWriters}) into an in-memory data file, rolled every {@value
 * #ROWS_PER_FILE} rows as Floe rolls files at checkpoints (so dictionaries fill and fall back as they
 * do in real files). The orders are {@value #RECORDS} distinct ones of the demo's stream (unique
 * order ids and event times, 10k customers), cycled through. One operation is one record.
 *
 * <p>{@code codec} is the table's Parquet compression codec; {@code dictionarySize} its {@code
 * write.parquet.dict-size-bytes}. The file size per record is printed at the end of each trial, and
 * the measuring thread's CPU time per record after each iteration: on a shared machine the CPU time
 * says more than the throughput, which follows the machine's load.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(2)
public class OrdersParquetWriteBenchmark {
    private static final int RECORDS = 1 << 20;
    private static final int ROWS_PER_FILE = 1 << 20;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Param({"zstd", "snappy"})
    public String codec;

    @Param({"2097152", "262144"})
    public String dictionarySize;

    private OrdersSchemaServer registry;
    private CachingSchemaRegistry schemas;
    private ConfluentAvroDecoder decoder;
    private Schema schema;
    private Map<String, String> properties;
    private ByteBuffer[] values;
    private int next;
    private FileAppender<Row> appender;
    private InMemoryOutputFile file;
    private long rows;
    private long files;
    private long fileBytes;
    private long fileRows;
    private long operations;
    private long iterationOperations;
    private long iterationCpu;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        registry = OrdersSchemaServer.start();
        schemas = new CachingSchemaRegistry(new HttpSchemaRegistryClient(RegistryClientConfig.of(registry.url())));
        decoder = new ConfluentAvroDecoder(schemas, RowType::of);
        schema = AvroToIceberg.convert(OrderSchema.avro());
        properties = Map.of(
                TableProperties.PARQUET_COMPRESSION, codec,
                TableProperties.PARQUET_DICT_SIZE_BYTES, dictionarySize);
        List<byte[]> orders = OrderSamples.framed(42, 1, RECORDS, OrdersSchemaServer.SCHEMA_ID);
        values = new ByteBuffer[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            values[i] = ByteBuffer.wrap(orders.get(i));
        }
        decoder.decode(values[0]);
        open();
    }

    private void open() throws IOException {
        file = new InMemoryOutputFile();
        appender = Parquet.write(file)
                .schema(schema)
                .setAll(properties)
                .createWriterFunc(message -> RowParquetWriters.build(schema, message))
                .overwrite()
                .build();
        rows = 0;
    }

    private void roll() throws IOException {
        appender.close();
        files++;
        fileRows += rows;
        fileBytes += file.toByteArray().length;
        open();
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        iterationOperations = operations;
        iterationCpu = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        long records = operations - iterationOperations;
        System.out.printf(
                " [%s, dictionary %s: %.0f CPU-ns a record]",
                codec, dictionarySize, (double) (THREADS.getCurrentThreadCpuTime() - iterationCpu) / records);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        roll();
        System.out.printf(
                "%n%s, dictionary %s: %d files, %.2f bytes a record%n",
                codec, dictionarySize, files, (double) fileBytes / fileRows);
        schemas.close();
        registry.close();
    }

    @Benchmark
    public void decodeAndWrite() throws IOException {
        ByteBuffer value = values[next];
        next = (next + 1) & (RECORDS - 1);
        appender.add(decoder.decode(value));
        operations++;
        if (++rows == ROWS_PER_FILE) {
            roll();
        }
    }
}
