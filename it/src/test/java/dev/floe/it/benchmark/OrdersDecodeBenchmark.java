package dev.floe.it.benchmark;

import dev.floe.deploy.demo.OrderSamples;
import dev.floe.engine.format.ConfluentAvroDecoder;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.registry.CachingSchemaRegistry;
import dev.floe.registry.HttpSchemaRegistryClient;
import dev.floe.registry.RegistryClientConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's decode of the demo's orders (12 fields: longs, an int, a decimal, a timestamp,
 * six strings, a boolean, a double, an optional string) from Confluent-framed Avro bytes into
 * rows, through {@link ConfluentAvroDecoder} with a warm schema cache: what a subtask does per
 * record between the Kafka fetch buffer and the Parquet writer. One operation is one record.
 *
 * <p>Run with {@code ./mvnw -pl it -am -Pbenchmarks verify} (see docs/benchmarks.md); {@code -prof
 * gc} reports the bytes allocated per record ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class OrdersDecodeBenchmark {
    /** Distinct orders cycled through, so that branch prediction does not learn one record. */
    private static final int RECORDS = 4096;

    private OrdersSchemaServer registry;
    private CachingSchemaRegistry schemas;
    private ConfluentAvroDecoder decoder;
    private ByteBuffer[] values;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        registry = OrdersSchemaServer.start();
        schemas = new CachingSchemaRegistry(new HttpSchemaRegistryClient(RegistryClientConfig.of(registry.url())));
        decoder = new ConfluentAvroDecoder(schemas, RowType::of);
        List<byte[]> orders = OrderSamples.framed(42, 1, RECORDS, OrdersSchemaServer.SCHEMA_ID);
        values = new ByteBuffer[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            values[i] = ByteBuffer.wrap(orders.get(i));
            // warms the cache: the schema is fetched and the decoder compiled once, here
            decoder.decode(values[i]);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        schemas.close();
        registry.close();
    }

    /** The decode alone: the decoder refills one row, so this allocates nothing per record. */
    @Benchmark
    public Row decode() {
        ByteBuffer value = values[next];
        next = (next + 1) & (RECORDS - 1);
        return decoder.decode(value);
    }

    /**
     * The decode and the copy a keyed pipeline hands to its keyBy exchange ({@link Row#copy()}): what
     * a record costs when its row must outlive the next one, the row and its own values.
     */
    @Benchmark
    public Row decodeAndCopy() {
        ByteBuffer value = values[next];
        next = (next + 1) & (RECORDS - 1);
        return decoder.decode(value).copy();
    }
}
