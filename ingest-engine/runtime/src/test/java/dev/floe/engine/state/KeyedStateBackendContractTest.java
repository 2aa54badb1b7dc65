package dev.floe.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.checkpoint.CheckpointStorage;
import dev.floe.engine.checkpoint.LocalCheckpointStorage;
import dev.floe.engine.checkpoint.Savepoint;
import dev.floe.engine.checkpoint.SavepointLocation;
import dev.floe.engine.checkpoint.SavepointWriter;
import dev.floe.engine.checkpoint.StoredCheckpoint;
import dev.floe.engine.config.CheckpointLocation;
import dev.floe.engine.dataflow.KeyGroupRange;
import dev.floe.engine.dataflow.KeyGroups;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.state.AggregatingState;
import dev.floe.engine.spi.state.ListState;
import dev.floe.engine.spi.state.MapState;
import dev.floe.engine.spi.state.ReducingState;
import dev.floe.engine.spi.state.StateDescriptor;
import dev.floe.engine.spi.state.StateSerializer;
import dev.floe.engine.spi.state.StateSerializers;
import dev.floe.engine.spi.state.ValueState;
import dev.floe.engine.testing.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every keyed state backend does, whatever it stores state in: each backend's test extends
 * this and says how to make one.
 */
abstract class KeyedStateBackendContractTest {
    static final int MAX = KeyGroups.DEFAULT_MAX_PARALLELISM;
    static final StateDescriptor<Long> COUNT = StateDescriptor.of("count", StateSerializers.LONG);

    @TempDir
    Path directory;

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:00:00Z"));

    /** A new backend holding {@code range}, on {@link #clock}, closed after the test. */
    abstract KeyedStateBackend backend(KeyGroupRange range);

    /** The name the backend writes into its handles. */
    abstract String backendName();

    static byte[] key(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static void select(KeyedStateBackend backend, String text) {
        backend.setCurrentKey(key(text), KeyGroups.keyGroup(key(text), MAX));
    }

    LocalCheckpointStorage storage() {
        return new LocalCheckpointStorage(directory.resolve("checkpoints"), "orders");
    }

    @Test
    void everyKindOfStateBelongsToTheCurrentKey() {
        KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX));
        ValueState<Long> value = backend.valueState(COUNT);
        MapState<String, Long> map =
                backend.mapState(StateDescriptor.of("by-sku", StateSerializers.LONG), StateSerializers.STRING);
        ListState<String> list = backend.listState(StateDescriptor.of("skus", StateSerializers.STRING));
        ReducingState<Long> sum = backend.reducingState(StateDescriptor.of("sum", StateSerializers.LONG), Long::sum);
        AggregatingState<Long, Double> average =
                backend.aggregatingState(StateDescriptor.of("average", StateSerializers.STRING), new Average());

        select(backend, "alice");
        value.update(1L);
        map.put("b", 2L);
        map.put("a", 1L);
        list.add("x");
        list.add("y");
        sum.add(5L);
        sum.add(7L);
        average.add(2L);
        average.add(4L);
        select(backend, "bob");
        value.update(10L);
        map.put("z", 26L);

        select(backend, "alice");
        assertThat(value.value()).isEqualTo(1L);
        assertThat(map.entries()).extracting(Map.Entry::getKey).containsExactly("a", "b");
        assertThat(list.get()).containsExactly("x", "y");
        assertThat(sum.get()).isEqualTo(12L);
        assertThat(average.get()).isEqualTo(3.0);
        select(backend, "bob");
        assertThat(value.value()).isEqualTo(10L);
        assertThat(map.entries()).extracting(Map.Entry::getKey).containsExactly("z");
        assertThat(list.get()).isEmpty();
        assertThat(sum.get()).isNull();
        map.clear();
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void entriesExpireTheirTimeToLiveAfterTheirLastWrite() {
        KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX));
        ValueState<Long> seen = backend.valueState(COUNT.withTtl(Duration.ofMinutes(10)));
        select(backend, "alice");
        seen.update(1L);

        clock.advance(Duration.ofMinutes(9));
        assertThat(seen.value()).isEqualTo(1L);
        seen.update(2L);
        clock.advance(Duration.ofMinutes(9));
        assertThat(seen.value()).as("the second write restarted the clock").isEqualTo(2L);
        clock.advance(Duration.ofMinutes(1));
        assertThat(seen.value()).isNull();
    }

    @Test
    void timersFireInTimeOrderWithTheirKeyCurrentAndOnlyOnce() {
        KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX));
        select(backend, "alice");
        backend.timers().registerEventTimeTimer(30);
        backend.timers().registerEventTimeTimer(10);
        backend.timers().registerEventTimeTimer(10);
        select(backend, "bob");
        backend.timers().registerEventTimeTimer(20);
        backend.timers().registerEventTimeTimer(40);
        backend.timers().deleteEventTimeTimer(40);
        List<String> fired = new ArrayList<>();

        backend.advanceWatermark(
                30, time -> fired.add(new String(backend.currentKey(), StandardCharsets.UTF_8) + "@" + time));
        backend.advanceWatermark(100, time -> fired.add("again " + time));

        assertThat(fired).containsExactly("alice@10", "bob@20", "alice@30");
        assertThat(backend.timers().currentWatermark()).isEqualTo(100);
    }

    @Test
    void aSnapshotRestoresIntoRescaledSubtasksEachWithExactlyItsKeyGroups() {
        LocalCheckpointStorage storage = storage();
        KeyedStateBackend whole = backend(new KeyGroupRange(0, MAX));
        ValueState<Long> counts = whole.valueState(COUNT);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String key = "customer-" + i;
            keys.add(key);
            select(whole, key);
            counts.update((long) i);
            whole.timers().registerEventTimeTimer(1000 + i);
        }
        KeyedStateHandle handle = whole.snapshot(1, storage).join();
        // a later write is not in the snapshot taken before it
        select(whole, "customer-0");
        counts.update(-1L);

        KeyedStateBackend[] halves = {backend(KeyGroups.range(0, MAX, 2)), backend(KeyGroups.range(1, MAX, 2))};
        int firedTimers = 0;
        for (KeyedStateBackend half : halves) {
            half.restore(List.of(handle), storage);
            ValueState<Long> restored = half.valueState(COUNT);
            for (int i = 0; i < keys.size(); i++) {
                byte[] key = key(keys.get(i));
                int group = KeyGroups.keyGroup(key, MAX);
                half.setCurrentKey(key, group);
                assertThat(restored.value())
                        .as(keys.get(i) + " in " + (half == halves[0] ? "the first" : "the second") + " half")
                        .isEqualTo(
                                KeyGroups.range(half == halves[0] ? 0 : 1, MAX, 2)
                                                .contains(group)
                                        ? (long) i
                                        : null);
            }
            List<Long> fired = new ArrayList<>();
            half.advanceWatermark(Long.MAX_VALUE, fired::add);
            firedTimers += fired.size();
        }
        assertThat(firedTimers).as("every timer restored exactly once").isEqualTo(200);
    }

    @Test
    void refusesStateStoredWithAnotherSerializerVersion() {
        LocalCheckpointStorage storage = storage();
        KeyedStateBackend before = backend(new KeyGroupRange(0, MAX));
        select(before, "alice");
        before.valueState(COUNT).update(1L);
        KeyedStateHandle handle = before.snapshot(1, storage).join();
        KeyedStateBackend after = backend(new KeyGroupRange(0, MAX));
        after.restore(List.of(handle), storage);
        StateSerializer<Long> newer = new StateSerializer<>() {
            @Override
            public int version() {
                return 2;
            }

            @Override
            public byte[] serialize(Long value) {
                return StateSerializers.LONG.serialize(value);
            }

            @Override
            public Long deserialize(byte[] bytes) {
                return StateSerializers.LONG.deserialize(bytes);
            }
        };

        assertThatThrownBy(() -> after.valueState(StateDescriptor.of("count", newer)))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("state 'count'")
                .hasMessageContaining("serializer version 1");
    }

    @Test
    void mapEntriesExpireOneByOneAndAListAsAWholeAfterItsLastWrite() {
        KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX));
        MapState<String, Long> map = backend.mapState(
                StateDescriptor.of("by-sku", StateSerializers.LONG).withTtl(Duration.ofMinutes(10)),
                StateSerializers.STRING);
        ListState<String> list = backend.listState(
                StateDescriptor.of("skus", StateSerializers.STRING).withTtl(Duration.ofMinutes(10)));
        select(backend, "alice");
        map.put("a", 1L);
        list.add("x");
        clock.advance(Duration.ofMinutes(6));
        map.put("b", 2L);
        list.add("y");
        clock.advance(Duration.ofMinutes(6));

        assertThat(map.contains("a")).isFalse();
        assertThat(map.entries()).extracting(Map.Entry::getKey).containsExactly("b");
        assertThat(list.get()).as("the list was last written 6 minutes ago").containsExactly("x", "y");
        clock.advance(Duration.ofMinutes(4));
        assertThat(map.isEmpty()).isTrue();
        assertThat(list.get()).isEmpty();
        list.add("z");
        assertThat(list.get()).as("what expired does not come back").containsExactly("z");
    }

    @Test
    void mapsAndListsKeepTheirEntriesApartPerKeyAndInOrder() {
        KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX));
        MapState<String, Long> map =
                backend.mapState(StateDescriptor.of("by-sku", StateSerializers.LONG), StateSerializers.STRING);
        ListState<String> list = backend.listState(StateDescriptor.of("skus", StateSerializers.STRING));
        // "ab" and "a" + map key "b..." must not mix: keys are length-prefixed
        select(backend, "a");
        map.put("b", 1L);
        map.put("c", 2L);
        list.update(List.of("1", "2"));
        select(backend, "ab");
        map.put("a", 3L);
        list.add("3");

        select(backend, "a");
        assertThat(map.entries()).extracting(Map.Entry::getKey).containsExactly("b", "c");
        map.remove("b");
        assertThat(map.get("b")).isNull();
        assertThat(map.get("c")).isEqualTo(2L);
        assertThat(list.get()).containsExactly("1", "2");
        list.update(List.of());
        assertThat(list.get()).isEmpty();
        select(backend, "ab");
        assertThat(map.entries()).extracting(Map.Entry::getValue).containsExactly(3L);
        assertThat(list.get()).containsExactly("3");
    }

    @Test
    void processingTimeTimersFireWhenTheClockPassesThemAndSurviveARestart() {
        LocalCheckpointStorage storage = storage();
        KeyedStateBackend before = backend(new KeyGroupRange(0, MAX));
        select(before, "alice");
        before.timers().registerProcessingTimeTimer(clock.millis() + 1_000);
        before.timers().registerEventTimeTimer(500);
        select(before, "bob");
        before.timers().registerProcessingTimeTimer(clock.millis() + 2_000);
        List<String> fired = new ArrayList<>();
        before.advanceProcessingTime(clock.millis(), time -> fired.add("too early"));
        KeyedStateHandle handle = before.snapshot(1, storage).join();

        KeyedStateBackend after = backend(new KeyGroupRange(0, MAX));
        after.restore(List.of(handle), storage);
        clock.advance(Duration.ofMillis(1_500));
        after.advanceProcessingTime(
                clock.millis(), time -> fired.add(new String(after.currentKey(), StandardCharsets.UTF_8)));
        after.advanceWatermark(
                1_000, time -> fired.add(new String(after.currentKey(), StandardCharsets.UTF_8) + "@" + time));
        clock.advance(Duration.ofMillis(1_000));
        after.advanceProcessingTime(
                clock.millis(), time -> fired.add(new String(after.currentKey(), StandardCharsets.UTF_8)));

        assertThat(fired).containsExactly("alice", "alice@500", "bob");
    }

    @Test
    void thousandsOfTimersOfOneTimeFireOnceEachAlsoThoseRegisteredForThatTimeWhileTheyFire() {
        KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX));
        for (int i = 0; i < 2_000; i++) {
            select(backend, "customer-" + i);
            backend.timers().registerEventTimeTimer(60_000);
        }
        List<String> fired = new ArrayList<>();

        backend.advanceWatermark(60_000, time -> {
            fired.add(new String(backend.currentKey(), StandardCharsets.UTF_8));
            if (fired.size() == 1_000) {
                // keys of every key group, so some sort before the timers already fired
                for (int i = 0; i < 50; i++) {
                    select(backend, "late-" + i);
                    backend.timers().registerEventTimeTimer(60_000);
                }
            }
        });

        assertThat(fired).hasSize(2_050).doesNotHaveDuplicates();
        assertThat(fired).contains("customer-0", "customer-1999", "late-0", "late-49");
    }

    @Test
    void aTimerThatATimerRegistersAlreadyDueFiresInTheSameAdvance() {
        KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX));
        select(backend, "alice");
        backend.timers().registerEventTimeTimer(10);
        backend.timers().registerEventTimeTimer(30);
        List<Long> fired = new ArrayList<>();

        backend.advanceWatermark(100, time -> {
            fired.add(time);
            if (time == 10) {
                backend.timers().registerEventTimeTimer(20);
                backend.timers().deleteEventTimeTimer(30);
                backend.timers().registerEventTimeTimer(200);
            }
        });

        assertThat(fired).containsExactly(10L, 20L);
    }

    @Test
    void restoresAfterACrashExactlyWhatTheSnapshotHeldAndGoesOnFromThere() {
        LocalCheckpointStorage storage = storage();
        KeyedStateBackend first = backend(new KeyGroupRange(0, MAX));
        ValueState<Long> counts = first.valueState(COUNT);
        for (int i = 0; i < 1_000; i++) {
            select(first, "customer-" + i);
            counts.update((long) i);
        }
        KeyedStateHandle one = first.snapshot(1, storage).join();
        select(first, "customer-1");
        counts.update(-1L);
        // the crash: nothing after snapshot 1 counts

        KeyedStateBackend second = backend(new KeyGroupRange(0, MAX));
        second.restore(List.of(one), storage);
        ValueState<Long> restored = second.valueState(COUNT);
        select(second, "customer-1");
        assertThat(restored.value()).isEqualTo(1L);
        restored.update(100L);
        select(second, "customer-1000");
        restored.update(1000L);
        KeyedStateHandle two = second.snapshot(2, storage).join();

        KeyedStateBackend third = backend(new KeyGroupRange(0, MAX));
        third.restore(List.of(two), storage);
        ValueState<Long> again = third.valueState(COUNT);
        select(third, "customer-1");
        assertThat(again.value()).isEqualTo(100L);
        select(third, "customer-999");
        assertThat(again.value()).isEqualTo(999L);
        select(third, "customer-1000");
        assertThat(again.value()).isEqualTo(1000L);
        assertThat(two.backend()).isEqualTo(backendName());
    }

    @Test
    void fewerSubtasksRestoreEveryKeyGroupOfSeveralSnapshotsWithTheirTimers() {
        LocalCheckpointStorage storage = storage();
        int before = 3;
        List<KeyedStateHandle> handles = new ArrayList<>();
        for (int subtask = 0; subtask < before; subtask++) {
            KeyGroupRange range = KeyGroups.range(subtask, MAX, before);
            KeyedStateBackend backend = backend(range);
            ValueState<Long> counts = backend.valueState(COUNT);
            MapState<String, Long> map =
                    backend.mapState(StateDescriptor.of("by-sku", StateSerializers.LONG), StateSerializers.STRING);
            ListState<String> list = backend.listState(StateDescriptor.of("skus", StateSerializers.STRING));
            for (int i = 0; i < 300; i++) {
                String key = "customer-" + i;
                if (range.contains(KeyGroups.keyGroup(key(key), MAX))) {
                    select(backend, key);
                    counts.update((long) i);
                    map.put("sku", (long) i);
                    list.add(key);
                    backend.timers().registerEventTimeTimer(i);
                }
            }
            handles.add(backend.snapshot(1, storage).join());
        }

        for (int after : new int[] {1, 2, 5}) {
            Map<Long, String> fired = new java.util.TreeMap<>();
            for (int subtask = 0; subtask < after; subtask++) {
                KeyGroupRange range = KeyGroups.range(subtask, MAX, after);
                KeyedStateBackend backend = backend(range);
                backend.restore(handles, storage);
                ValueState<Long> counts = backend.valueState(COUNT);
                MapState<String, Long> map =
                        backend.mapState(StateDescriptor.of("by-sku", StateSerializers.LONG), StateSerializers.STRING);
                ListState<String> list = backend.listState(StateDescriptor.of("skus", StateSerializers.STRING));
                for (int i = 0; i < 300; i++) {
                    String key = "customer-" + i;
                    boolean owned = range.contains(KeyGroups.keyGroup(key(key), MAX));
                    select(backend, key);
                    assertThat(counts.value())
                            .as(key + " at parallelism " + after)
                            .isEqualTo(owned ? (long) i : null);
                    assertThat(map.get("sku")).isEqualTo(owned ? (long) i : null);
                    assertThat(list.get()).isEqualTo(owned ? List.of(key) : List.of());
                }
                backend.advanceWatermark(
                        Long.MAX_VALUE,
                        time -> assertThat(fired.put(time, new String(backend.currentKey(), StandardCharsets.UTF_8)))
                                .as("timer " + time + " restored once")
                                .isNull());
            }
            assertThat(fired).as("every timer at parallelism " + after).hasSize(300);
            assertThat(fired.get(7L)).isEqualTo("customer-7");
        }
    }

    @Test
    void refusesASnapshotOfAnotherBackend() {
        LocalCheckpointStorage storage = storage();
        KeyedStateHandle foreign = new KeyedStateHandle(
                backendName().equals("heap") ? "rocksdb" : "heap", "chk-1/state/x", new KeyGroupRange(0, MAX), 1);

        assertThatThrownBy(() -> backend(new KeyGroupRange(0, MAX)).restore(List.of(foreign), storage))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("Cannot restore")
                .hasMessageContaining("chk-1/state/x")
                .hasMessageContaining("written by the " + foreign.backend() + " backend");
    }

    @Test
    void aSavepointRestoresAtAnotherParallelismOnceItsCheckpointDirectoryIsDeleted() throws IOException {
        LocalCheckpointStorage storage = storage();
        KeyedStateBackend whole = backend(new KeyGroupRange(0, MAX));
        ValueState<Long> counts = whole.valueState(COUNT);
        for (int i = 0; i < 5_000; i++) {
            select(whole, "customer-" + i);
            counts.update((long) i);
        }
        storage.store(stored(1, List.of(whole.snapshot(1, storage).join())), Map.of());
        for (int i = 5_000; i < 6_000; i++) {
            select(whole, "customer-" + i);
            counts.update((long) i);
        }
        // incremental: the RocksDB snapshot refers to files the first one uploaded
        StoredCheckpoint second = stored(2, List.of(whole.snapshot(2, storage).join()));
        storage.store(second, Map.of());

        SavepointLocation location = new SavepointWriter(
                        new CheckpointLocation.Local(directory.resolve("savepoints")), "counts", 1, clock)
                .write(second, storage);
        try (Stream<Path> checkpoints = Files.walk(directory.resolve("checkpoints"))) {
            for (Path path : checkpoints.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }

        Savepoint savepoint = Savepoint.read(location);
        assertThat(savepoint.descriptor().checkpointId()).isEqualTo(2);
        assertThat(savepoint.descriptor().keyedStage()).isEqualTo("counts");
        assertThat(savepoint.checkpoint().keyedState())
                .allSatisfy(handle -> assertThat(handle.sharedFiles()).isEmpty());
        List<KeyedStateHandle> handles = savepoint.checkpoint().keyedState();
        KeyedStateBackend low = backend(new KeyGroupRange(0, MAX / 2));
        KeyedStateBackend high = backend(new KeyGroupRange(MAX / 2, MAX));
        try (CheckpointStorage saved = location.open()) {
            low.restore(handles, saved);
            high.restore(handles, saved);
        }
        ValueState<Long> lowCounts = low.valueState(COUNT);
        ValueState<Long> highCounts = high.valueState(COUNT);
        for (int i = 0; i < 6_000; i += 7) {
            String customer = "customer-" + i;
            boolean isLow = KeyGroups.keyGroup(key(customer), MAX) < MAX / 2;
            select(isLow ? low : high, customer);
            assertThat((isLow ? lowCounts : highCounts).value()).as(customer).isEqualTo((long) i);
        }

        // what the restored backend checkpoints next stands alone in the new checkpoint storage
        LocalCheckpointStorage fresh = new LocalCheckpointStorage(directory.resolve("fresh"), "orders");
        KeyedStateHandle next = low.snapshot(3, fresh).join();
        assertThat(filesOf(next))
                .allSatisfy(file ->
                        assertThat(fresh.exists(file.path())).as(file.path()).isTrue());
    }

    static StoredCheckpoint stored(long id, List<KeyedStateHandle> handles) {
        return new StoredCheckpoint(
                "orders",
                id,
                Instant.EPOCH,
                SourceOffsets.empty(),
                SourceOffsets.empty(),
                new StoredCheckpoint.SinkState(new byte[0]),
                List.of(),
                MAX,
                handles);
    }

    /** Every file of {@code handle} in checkpoint storage: the one file of a heap snapshot, or those it lists. */
    static List<StateFile> filesOf(KeyedStateHandle handle) {
        List<StateFile> files = new ArrayList<>(handle.sharedFiles());
        files.addAll(handle.privateFiles());
        if (files.isEmpty()) {
            files.add(new StateFile(
                    handle.path().substring(handle.path().lastIndexOf('/') + 1), handle.path(), handle.bytes()));
        }
        return files;
    }

    private static StateFile largestFileOf(KeyedStateHandle handle) {
        return filesOf(handle).stream()
                .max(Comparator.comparingLong(StateFile::bytes))
                .orElseThrow();
    }

    /** A snapshot of {@code keys} customers' counts, with a timer each. */
    private KeyedStateHandle snapshotOfCustomers(LocalCheckpointStorage storage, int keys) {
        KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX));
        ValueState<Long> counts = backend.valueState(COUNT);
        for (int i = 0; i < keys; i++) {
            select(backend, "customer-" + i);
            counts.update((long) i);
            backend.timers().registerEventTimeTimer(i);
        }
        return backend.snapshot(1, storage).join();
    }

    @Test
    void aMissingSnapshotFileIsReportedAsACorruptCheckpointNamingIt() {
        LocalCheckpointStorage storage = storage();
        KeyedStateHandle handle = snapshotOfCustomers(storage, 5_000);
        String missing = largestFileOf(handle).path();
        storage.delete(List.of(missing));

        assertThatThrownBy(() -> backend(new KeyGroupRange(0, MAX)).restore(List.of(handle), storage))
                .isInstanceOf(FatalException.class)
                .hasMessageStartingWith("Cannot restore ")
                .hasMessageContaining(
                        "from " + handle.path() + ": its file " + missing + " is missing from " + storage.describe());
    }

    @Test
    void aTruncatedSnapshotFileIsReportedAsACorruptCheckpointNamingIt() {
        LocalCheckpointStorage storage = storage();
        KeyedStateHandle handle = snapshotOfCustomers(storage, 5_000);
        StateFile truncated = largestFileOf(handle);
        storage.write(truncated.path(), Arrays.copyOf(storage.read(truncated.path()), (int) truncated.bytes() / 2));

        assertThatThrownBy(() -> backend(new KeyGroupRange(0, MAX)).restore(List.of(handle), storage))
                .isInstanceOf(FatalException.class)
                .hasMessageStartingWith("Cannot restore ")
                .hasMessageContaining("from " + handle.path() + ": its file " + truncated.path() + " has "
                        + truncated.bytes() / 2 + " bytes, the checkpoint lists " + truncated.bytes());
    }

    @Test
    void aSnapshotFileOverwrittenWithOtherBytesIsReportedAsCorruptNamingIt() {
        LocalCheckpointStorage storage = storage();
        KeyedStateHandle handle = snapshotOfCustomers(storage, 5_000);
        StateFile corrupted = largestFileOf(handle);
        byte[] garbage = new byte[(int) corrupted.bytes()];
        new Random(7).nextBytes(garbage);
        storage.write(corrupted.path(), garbage);

        assertThatThrownBy(() -> {
                    KeyedStateBackend restored = backend(new KeyGroupRange(0, MAX));
                    restored.restore(List.of(handle), storage);
                    // a backend may find the damage only when it reads what the file holds
                    ValueState<Long> counts = restored.valueState(COUNT);
                    for (int i = 0; i < 5_000; i++) {
                        select(restored, "customer-" + i);
                        counts.value();
                    }
                })
                .isInstanceOf(FatalException.class)
                .hasMessageStartingWith("Cannot ")
                .hasMessageContaining(corrupted.path());
    }

    @Test
    void retentionLeavesExactlyTheFilesOfTheRetainedCheckpointsAndTheyRestore() throws IOException {
        LocalCheckpointStorage storage = storage();
        KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX));
        ValueState<Long> counts = backend.valueState(COUNT);
        Map<String, Long> expected = new HashMap<>();
        List<KeyedStateHandle> handles = new ArrayList<>();
        for (int checkpoint = 1; checkpoint <= 4; checkpoint++) {
            for (int i = 0; i < 2_000; i++) {
                String key = "customer-" + (i * checkpoint % 3_000);
                select(backend, key);
                counts.update(checkpoint * 10_000L + i);
                expected.put(key, checkpoint * 10_000L + i);
            }
            handles.add(backend.snapshot(checkpoint, storage).join());
            storage.store(stored(checkpoint, List.of(handles.get(checkpoint - 1))), Map.of());
        }

        storage.retain(2, Set.of());
        storage.retain(1, Set.of());

        Set<String> listed = new HashSet<>(Set.of("chk-4/_metadata"));
        filesOf(handles.get(3)).forEach(file -> listed.add(file.path()));
        Path root = directory.resolve("checkpoints/orders");
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile)
                            .map(file -> root.relativize(file).toString().replace('\\', '/')))
                    .as("every file in storage, after retention kept checkpoint 4 of 4")
                    .containsExactlyInAnyOrderElementsOf(listed);
        }
        StoredCheckpoint latest = storage.latest().orElseThrow();
        assertThat(latest.checkpointId()).isEqualTo(4);
        KeyedStateBackend restored = backend(new KeyGroupRange(0, MAX));
        restored.restore(latest.keyedState(), storage);
        ValueState<Long> restoredCounts = restored.valueState(COUNT);
        expected.forEach((key, count) -> {
            select(restored, key);
            assertThat(restoredCounts.value()).as(key).isEqualTo(count);
        });
    }

    /** Average as a "sum/count" accumulator. */
    private static final class Average implements AggregatingState.Aggregator<Long, String, Double> {
        @Override
        public String createAccumulator() {
            return "0/0";
        }

        @Override
        public String add(Long value, String accumulator) {
            String[] parts = accumulator.split("/");
            return (Long.parseLong(parts[0]) + value) + "/" + (Long.parseLong(parts[1]) + 1);
        }

        @Override
        public Double result(String accumulator) {
            String[] parts = accumulator.split("/");
            return Double.parseDouble(parts[0]) / Double.parseDouble(parts[1]);
        }
    }
}
