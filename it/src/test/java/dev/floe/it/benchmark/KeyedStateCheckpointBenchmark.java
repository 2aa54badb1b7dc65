package dev.floe.it.benchmark;

import dev.floe.engine.checkpoint.LocalCheckpointStorage;
import dev.floe.engine.config.StateConfig;
import dev.floe.engine.dataflow.KeyGroupRange;
import dev.floe.engine.dataflow.KeyGroups;
import dev.floe.engine.spi.config.DataSize;
import dev.floe.engine.spi.state.StateDescriptor;
import dev.floe.engine.spi.state.StateSerializers;
import dev.floe.engine.spi.state.ValueState;
import dev.floe.engine.state.KeyedStateBackend;
import dev.floe.engine.state.KeyedStateBackends;
import dev.floe.engine.state.KeyedStateHandle;
import dev.floe.engine.state.StateFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * How long a checkpoint of {@code keys} keys stalls the keyed subtask: the time {@link
 * KeyedStateBackend#snapshot} takes on the calling thread (for RocksDB its native checkpoint, a
 * flush and hard links; for the heap a copy of the tables), while the upload runs on another
 * thread and is not measured but printed (from the end of the synchronous part to the end of the
 * upload, into checkpoint storage in a local directory). Each iteration writes {@code keys} keys
 * (a count per customer) into a new backend; in {@code incremental}, a first checkpoint is taken
 * and uploaded and then 10 % of the keys are updated before the measured one. The upload's size is printed after each iteration:
 * the snapshot's bytes, and how many of them the upload sent (the rest are SST files an earlier
 * checkpoint uploaded). One operation is one checkpoint.
 *
 * <p>Run with {@code ./mvnw -pl it -am -Pbenchmarks -DskipTests verify
 * -Djmh.args="KeyedStateCheckpointBenchmark"} (see docs/benchmarks.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(1)
public class KeyedStateCheckpointBenchmark {
    private static final int MAX_PARALLELISM = KeyGroups.DEFAULT_MAX_PARALLELISM;

    @Param({"rocksdb", "heap"})
    public String backend;

    @Param({"1000000"})
    public int keys;

    @Param({"first", "incremental"})
    public String checkpoint;

    /** RocksDB's write buffer size ({@code state.writeBuffer}); the stall flushes what they hold. */
    @Param({"8MB"})
    public String writeBuffer;

    private Path directory;
    private ExecutorService uploads;
    private KeyedStateBackends backends;
    private KeyedStateBackend state;
    private LocalCheckpointStorage storage;
    private KeyedStateHandle previous;
    private CompletableFuture<KeyedStateHandle> upload;
    private long synchronousPartEnded;
    private volatile long uploadEnded;

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("floe-checkpoint-benchmark");
        uploads = Executors.newSingleThreadExecutor();
        StateConfig config = StateConfig.defaults()
                .withBackend(StateConfig.Backend.valueOf(backend.toUpperCase(java.util.Locale.ROOT)))
                .withDirectory(directory.resolve("state"))
                .withWriteBuffer(DataSize.parse(writeBuffer));
        backends = KeyedStateBackends.open("benchmark", config, Clock.systemUTC(), uploads);
        state = backends.create(0, new KeyGroupRange(0, MAX_PARALLELISM));
        storage = new LocalCheckpointStorage(directory.resolve("checkpoints"), "benchmark");
        ValueState<Long> counts = state.valueState(StateDescriptor.of("count", StateSerializers.LONG));
        for (int i = 0; i < keys; i++) {
            select(i);
            counts.update((long) i);
        }
        previous = null;
        if (checkpoint.equals("incremental")) {
            previous = state.snapshot(1, storage).join();
            Random random = new Random(42);
            for (int i = 0; i < keys / 10; i++) {
                select(random.nextInt(keys));
                counts.update(-1L);
            }
        }
    }

    private void select(int customer) {
        byte[] key = String.format("customer-%07d", customer).getBytes(StandardCharsets.UTF_8);
        state.setCurrentKey(key, KeyGroups.keyGroup(key, MAX_PARALLELISM));
    }

    @Benchmark
    public CompletableFuture<KeyedStateHandle> snapshot() {
        CompletableFuture<KeyedStateHandle> started = state.snapshot(2, storage);
        synchronousPartEnded = System.nanoTime();
        upload = started.whenComplete((handle, error) -> uploadEnded = System.nanoTime());
        return upload;
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
        KeyedStateHandle handle = upload.join();
        Set<StateFile> reused = new HashSet<>(previous == null ? Set.of() : previous.sharedFiles());
        long sent = handle.bytes()
                - handle.sharedFiles().stream()
                        .filter(reused::contains)
                        .mapToLong(StateFile::bytes)
                        .sum();
        System.out.printf(
                "%n%s checkpoint of %,d keys (%s): %,d bytes in %d files, %,d bytes uploaded in %.1f ms%n",
                backend,
                keys,
                checkpoint,
                handle.bytes(),
                Math.max(1, handle.sharedFiles().size() + handle.privateFiles().size()),
                sent,
                (uploadEnded - synchronousPartEnded) / 1e6);
        state.close();
        backends.close();
        uploads.shutdown();
        try (var paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }
}
