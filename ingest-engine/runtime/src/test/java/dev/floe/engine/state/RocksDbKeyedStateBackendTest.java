package dev.floe.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.checkpoint.CheckpointStorage;
import dev.floe.engine.checkpoint.LocalCheckpointStorage;
import dev.floe.engine.checkpoint.StoredCheckpoint;
import dev.floe.engine.config.StateConfig;
import dev.floe.engine.dataflow.KeyGroupRange;
import dev.floe.engine.spi.config.DataSize;
import dev.floe.engine.spi.state.MapState;
import dev.floe.engine.spi.state.StateDescriptor;
import dev.floe.engine.spi.state.StateSerializers;
import dev.floe.engine.spi.state.ValueState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RocksDbKeyedStateBackendTest extends KeyedStateBackendContractTest {
    private KeyedStateBackends backends;
    private int subtasks;
    private DataSize writeBuffer = StateConfig.DEFAULT_WRITE_BUFFER;
    DataSize cache = StateConfig.DEFAULT_CACHE;

    private KeyedStateBackends backends() {
        if (backends == null) {
            backends = KeyedStateBackends.open(
                    "orders",
                    new StateConfig(
                            StateConfig.Backend.ROCKSDB,
                            DataSize.ofMegabytes(32),
                            directory.resolve("state"),
                            writeBuffer,
                            cache),
                    clock,
                    Runnable::run);
        }
        return backends;
    }

    @Override
    KeyedStateBackend backend(KeyGroupRange range) {
        return backends().create(subtasks++, range);
    }

    private RocksDbKeyedStateBackend rocks(KeyGroupRange range) {
        return (RocksDbKeyedStateBackend) backend(range);
    }

    @Override
    String backendName() {
        return RocksDbKeyedStateBackend.NAME;
    }

    @AfterEach
    void closeBackends() throws IOException {
        if (backends != null) {
            backends.close();
            try (Stream<Path> left = Files.walk(directory.resolve("state"))) {
                assertThat(left.filter(Files::isRegularFile))
                        .as("closed backends leave no files")
                        .isEmpty();
            }
        }
    }

    private static void count(RocksDbKeyedStateBackend backend, ValueState<Long> counts, int from, int to) {
        for (int i = from; i < to; i++) {
            select(backend, "customer-" + i);
            counts.update((long) i);
        }
    }

    private static StoredCheckpoint stored(long id, KeyedStateHandle handle) {
        return stored(id, List.of(handle));
    }

    private static Set<String> paths(List<StateFile> files) {
        return files.stream().map(StateFile::path).collect(Collectors.toSet());
    }

    @Test
    void reportsTheBlockCacheAndEachOpenDatabasesPropertiesBySubtaskUntilItCloses() {
        RocksDbKeyedStateBackend first = rocks(new KeyGroupRange(0, MAX / 2));
        RocksDbKeyedStateBackend second = rocks(new KeyGroupRange(MAX / 2 + 1, MAX));
        count(first, first.valueState(COUNT), 0, 5_000);

        RocksDbStats stats = backends().rocksDbStats();

        assertThat(stats.blockCacheCapacity())
                .isEqualTo(DataSize.ofMegabytes(32).bytes());
        assertThat(stats.blockCacheUsage())
                .as("the memtables are charged to the cache")
                .isPositive();
        assertThat(stats.databases()).containsOnlyKeys(0, 1);
        RocksDbStats.Database written = stats.databases().get(0);
        assertThat(written.memtables()).isPositive();
        assertThat(written.estimatedKeys()).isPositive();
        assertThat(written.memtables())
                .as("5,000 keys make a fuller memtable than none")
                .isGreaterThan(stats.databases().get(1).memtables());
        assertThat(written.immutableMemtables()).isNotNegative();
        assertThat(written.pendingCompactionBytes()).isNotNegative();
        assertThat(written.runningCompactions()).isNotNegative();

        second.close();
        assertThat(backends().rocksDbStats().databases()).containsOnlyKeys(0);
        first.close();
        assertThat(backends().rocksDbStats().databases()).isEmpty();
        backends().close();
        assertThat(backends().rocksDbStats()).isEqualTo(RocksDbStats.NONE);
    }

    @Test
    void aSecondCheckpointUploadsOnlyTheSstFilesTheFirstDidNotHave() {
        CountingStorage storage = new CountingStorage(storage());
        RocksDbKeyedStateBackend backend = rocks(new KeyGroupRange(0, MAX));
        ValueState<Long> counts = backend.valueState(COUNT);
        count(backend, counts, 0, 20_000);
        KeyedStateHandle first = backend.snapshot(1, storage).join();
        long firstUpload = storage.written;
        count(backend, counts, 20_000, 21_000);
        storage.written = 0;

        KeyedStateHandle second = backend.snapshot(2, storage).join();

        assertThat(first.sharedFiles()).isNotEmpty();
        assertThat(second.sharedFiles()).containsAll(first.sharedFiles());
        long newShared = second.sharedFiles().stream()
                .filter(file -> !first.sharedFiles().contains(file))
                .mapToLong(StateFile::bytes)
                .sum();
        long privateBytes =
                second.privateFiles().stream().mapToLong(StateFile::bytes).sum();
        assertThat(storage.written)
                .as("the second upload: the new SST file and the private files, not the first's SST files")
                .isEqualTo(newShared + privateBytes);
        assertThat(storage.written).isLessThan(firstUpload);
        assertThat(second.bytes()).isGreaterThan(first.bytes());
        assertThat(second.privateFiles())
                .allSatisfy(file -> assertThat(file.path()).startsWith("chk-2/state/"));
    }

    @Test
    void aRestoredBackendReferencesTheFilesItRestoredInsteadOfUploadingThemAgain() {
        CountingStorage storage = new CountingStorage(storage());
        RocksDbKeyedStateBackend before = rocks(new KeyGroupRange(0, MAX));
        count(before, before.valueState(COUNT), 0, 20_000);
        KeyedStateHandle first = before.snapshot(1, storage).join();

        RocksDbKeyedStateBackend after = rocks(new KeyGroupRange(0, MAX));
        after.restore(List.of(first), storage);
        count(after, after.valueState(COUNT), 20_000, 20_010);
        storage.written = 0;
        KeyedStateHandle second = after.snapshot(2, storage).join();

        assertThat(second.sharedFiles()).containsAll(first.sharedFiles());
        assertThat(storage.written).isLessThan(first.bytes() / 2);
    }

    @Test
    void retentionDeletesASharedFileOnlyWhenNoRetainedCheckpointListsIt() {
        LocalCheckpointStorage storage = storage();
        RocksDbKeyedStateBackend backend = rocks(new KeyGroupRange(0, MAX));
        ValueState<Long> counts = backend.valueState(COUNT);
        List<KeyedStateHandle> handles = new ArrayList<>();
        for (int checkpoint = 1; checkpoint <= 3; checkpoint++) {
            count(backend, counts, checkpoint * 1_000, checkpoint * 1_000 + 1_000);
            handles.add(backend.snapshot(checkpoint, storage).join());
            storage.store(stored(checkpoint, handles.get(checkpoint - 1)), Map.of());
        }
        // compaction replaces the files of checkpoints 1 to 3 by new ones
        backend.compact();
        handles.add(backend.snapshot(4, storage).join());
        storage.store(stored(4, handles.get(3)), Map.of());
        Set<String> third = paths(handles.get(2).sharedFiles());
        Set<String> latest = paths(handles.get(3).sharedFiles());
        assertThat(third).containsAll(paths(handles.get(0).sharedFiles()));
        Set<String> replaced = new java.util.HashSet<>(third);
        replaced.removeAll(latest);
        assertThat(replaced).as("files compaction replaced").isNotEmpty();

        storage.retain(2, Set.of());
        assertThat(third)
                .as("listed by retained checkpoint 3")
                .allSatisfy(path -> assertThat(storage.exists(path)).isTrue());

        storage.retain(1, Set.of());
        assertThat(replaced)
                .as("listed only by deleted checkpoints")
                .allSatisfy(path -> assertThat(storage.exists(path)).isFalse());
        assertThat(latest).allSatisfy(path -> assertThat(storage.exists(path)).isTrue());
        RocksDbKeyedStateBackend restored = rocks(new KeyGroupRange(0, MAX));
        restored.restore(storage.latest().orElseThrow().keyedState(), storage);
        select(restored, "customer-3999");
        assertThat(restored.valueState(COUNT).value()).isEqualTo(3999L);
    }

    @Test
    void expiredEntriesThatNobodyReadsAreSweptAway() {
        RocksDbKeyedStateBackend backend = rocks(new KeyGroupRange(0, MAX));
        ValueState<Long> seen = backend.valueState(COUNT.withTtl(Duration.ofMinutes(10)));
        MapState<String, Long> map = backend.mapState(
                StateDescriptor.of("by-sku", StateSerializers.LONG).withTtl(Duration.ofMinutes(10)),
                StateSerializers.STRING);
        for (int i = 0; i < 2_500; i++) {
            select(backend, "customer-" + i);
            seen.update((long) i);
            map.put("sku", (long) i);
        }
        clock.advance(Duration.ofMinutes(5));
        select(backend, "customer-0");
        seen.update(0L);
        clock.advance(Duration.ofMinutes(6));

        // each sweep reads a bounded number of entries: a few rounds cover everything
        for (int round = 0; round < 5; round++) {
            clock.advance(Duration.ofMillis(RocksDbTtlSweep.INTERVAL_MILLIS));
            backend.advanceProcessingTime(clock.millis(), time -> {});
        }

        assertThat(backend.storedEntries("count"))
                .as("only the entry written 6 minutes ago")
                .isEqualTo(1);
        assertThat(backend.storedEntries("by-sku")).isZero();
        assertThat(seen.value()).isEqualTo(0L);
    }

    @Test
    void nativeMemoryStaysWithinTheConfiguredBound() {
        RocksDbKeyedStateBackend backend = rocks(new KeyGroupRange(0, MAX));
        ValueState<String> values = backend.valueState(StateDescriptor.of("payload", StateSerializers.STRING));
        String payload = "x".repeat(1_000);
        long limit = backends.memory().limit();
        long peak = 0;
        for (int i = 0; i < 200_000; i++) {
            select(backend, "customer-" + i);
            values.update(payload + i);
            if (i % 10_000 == 0) {
                peak = Math.max(peak, backends.memory().used());
            }
        }
        for (int i = 0; i < 200_000; i += 7) {
            select(backend, "customer-" + i);
            assertThat(values.value()).endsWith(Integer.toString(i));
        }
        peak = Math.max(peak, backends.memory().used());

        assertThat(limit).isEqualTo(DataSize.ofMegabytes(32).bytes());
        assertThat(peak)
                .as("about 200 MB written through 32 MB of native memory")
                .isBetween(1L, limit + limit / 10);
        assertThat(backends.memory().writeBuffers()).isPositive();
    }

    @Test
    void theWriteBufferSizeBoundsWhatTheMemtablesHoldAndSoWhatACheckpointFlushes() {
        writeBuffer = DataSize.ofMegabytes(1);
        RocksDbKeyedStateBackend backend = rocks(new KeyGroupRange(0, MAX));
        ValueState<String> values = backend.valueState(StateDescriptor.of("payload", StateSerializers.STRING));
        String payload = "x".repeat(1_000);
        long peak = 0;
        for (int i = 0; i < 30_000; i++) {
            select(backend, "customer-" + i);
            values.update(payload + i);
            if (i % 500 == 0) {
                peak = Math.max(peak, backends.memory().writeBuffers());
            }
        }

        // two write buffers of 1 MB at most (one filling, one being flushed), plus arena slack;
        // without the setting they would be an eighth of the 32 MB: 4 MB each
        assertThat(peak).as("about 30 MB written through 1 MB write buffers").isBetween(1L, 3L << 20);
    }

    @Test
    void deletesTheStateDirectoriesOfProcessesThatNoLongerRun() throws IOException {
        Path abandoned = directory.resolve("state/orders/999999999-0123abcd/0/db");
        Files.createDirectories(abandoned);
        Files.writeString(abandoned.resolve("000001.sst"), "left by a killed process");

        backend(new KeyGroupRange(0, MAX));

        assertThat(directory.resolve("state/orders/999999999-0123abcd")).doesNotExist();
    }

    @Test
    void refusesKeyGroupsBeyondWhatItsKeysCanHold() {
        assertThatThrownBy(() -> backend(new KeyGroupRange(0, 40_000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 32768 key groups");
    }

    /** Checkpoint storage in a directory that counts the bytes of the files written to it. */
    private static final class CountingStorage implements CheckpointStorage {
        private final LocalCheckpointStorage storage;
        long written;

        CountingStorage(LocalCheckpointStorage storage) {
            this.storage = storage;
        }

        @Override
        public java.util.Optional<StoredCheckpoint> latest() {
            return storage.latest();
        }

        @Override
        public void store(StoredCheckpoint checkpoint, Map<String, byte[]> attachments) {
            storage.store(checkpoint, attachments);
        }

        @Override
        public byte[] read(String path) {
            return storage.read(path);
        }

        @Override
        public void write(String path, byte[] bytes) {
            written += bytes.length;
            storage.write(path, bytes);
        }

        @Override
        public void writeFile(String path, Path source) {
            try {
                written += Files.size(source);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            storage.writeFile(path, source);
        }

        @Override
        public void readFile(String path, Path target) {
            storage.readFile(path, target);
        }

        @Override
        public boolean exists(String path) {
            return storage.exists(path);
        }

        @Override
        public void delete(java.util.Collection<String> paths) {
            storage.delete(paths);
        }

        @Override
        public String attachmentPath(long checkpointId, String name) {
            return storage.attachmentPath(checkpointId, name);
        }

        @Override
        public void retain(int keep, Set<String> referenced) {
            storage.retain(keep, referenced);
        }

        @Override
        public String describe() {
            return storage.describe();
        }
    }
}
