package dev.floe.it.benchmark;

import dev.floe.engine.config.StateConfig;
import dev.floe.engine.dataflow.KeyGroupRange;
import dev.floe.engine.dataflow.KeyGroups;
import dev.floe.engine.spi.config.DataSize;
import dev.floe.engine.spi.state.MapState;
import dev.floe.engine.spi.state.StateDescriptor;
import dev.floe.engine.spi.state.StateSerializers;
import dev.floe.engine.spi.state.ValueState;
import dev.floe.engine.state.KeyedStateBackend;
import dev.floe.engine.state.KeyedStateBackends;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
 * What a keyed operator does to its state per record, on each backend: {@code valueUpdate} reads a
 * key's count and writes it back plus one (an aggregate); {@code mapPut} puts a window's
 * accumulator into the key's map (a window operator). The keys are {@code keys} distinct
 * customers visited in a random order, all present before the measurement, so every read finds
 * its value; RocksDB runs with the default 256 MB of native memory. One operation is one record.
 *
 * <p>Run with {@code ./mvnw -pl it -am -Pbenchmarks -DskipTests verify -Djmh.args="KeyedStateBenchmark"}
 * (see docs/benchmarks.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(2)
public class KeyedStateBenchmark {
    private static final int MAX_PARALLELISM = KeyGroups.DEFAULT_MAX_PARALLELISM;
    /** A random order of the keys, long enough not to be learned. */
    private static final int VISITS = 1 << 20;

    @Param({"rocksdb", "heap"})
    public String backend;

    @Param({"1000000"})
    public int keys;

    /** RocksDB's write buffer size ({@code state.writeBuffer}). */
    @Param({"8MB"})
    public String writeBuffer;

    private Path directory;
    private KeyedStateBackends backends;
    private KeyedStateBackend state;
    private ValueState<Long> counts;
    private MapState<Long, Long> windows;
    private byte[][] keyBytes;
    private int[] keyGroups;
    private int[] visits;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("floe-state-benchmark");
        StateConfig config = StateConfig.defaults()
                .withBackend(StateConfig.Backend.valueOf(backend.toUpperCase(java.util.Locale.ROOT)))
                .withDirectory(directory)
                .withWriteBuffer(DataSize.parse(writeBuffer));
        backends = KeyedStateBackends.open("benchmark", config, Clock.systemUTC(), Runnable::run);
        state = backends.create(0, new KeyGroupRange(0, MAX_PARALLELISM));
        counts = state.valueState(StateDescriptor.of("count", StateSerializers.LONG));
        windows = state.mapState(StateDescriptor.of("windows", StateSerializers.LONG), StateSerializers.LONG);
        keyBytes = new byte[keys][];
        keyGroups = new int[keys];
        for (int i = 0; i < keys; i++) {
            keyBytes[i] = String.format("customer-%07d", i).getBytes(StandardCharsets.UTF_8);
            keyGroups[i] = KeyGroups.keyGroup(keyBytes[i], MAX_PARALLELISM);
            state.setCurrentKey(keyBytes[i], keyGroups[i]);
            counts.update(0L);
            windows.put(0L, 0L);
        }
        Random random = new Random(42);
        visits = new int[VISITS];
        for (int i = 0; i < VISITS; i++) {
            visits[i] = random.nextInt(keys);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        state.close();
        backends.close();
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    private int nextKey() {
        int key = visits[next];
        next = (next + 1) & (VISITS - 1);
        state.setCurrentKey(keyBytes[key], keyGroups[key]);
        return key;
    }

    @Benchmark
    public Long valueUpdate() {
        nextKey();
        Long count = counts.value();
        long updated = (count == null ? 0 : count) + 1;
        counts.update(updated);
        return updated;
    }

    @Benchmark
    public int mapPut() {
        int key = nextKey();
        // four windows a key is in at a time, as a sliding window would have
        windows.put((long) (next & 3), (long) key);
        return key;
    }
}
