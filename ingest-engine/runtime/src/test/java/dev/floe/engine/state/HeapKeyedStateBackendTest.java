package dev.floe.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.checkpoint.LocalCheckpointStorage;
import dev.floe.engine.dataflow.KeyGroupRange;
import dev.floe.engine.dataflow.KeyGroups;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.state.AggregatingState;
import dev.floe.engine.spi.state.ListState;
import dev.floe.engine.spi.state.MapState;
import dev.floe.engine.spi.state.ReducingState;
import dev.floe.engine.spi.state.StateDescriptor;
import dev.floe.engine.spi.state.StateSerializer;
import dev.floe.engine.spi.state.StateSerializers;
import dev.floe.engine.spi.state.ValueState;
import dev.floe.engine.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeapKeyedStateBackendTest {
    private static final int MAX = KeyGroups.DEFAULT_MAX_PARALLELISM;
    private static final StateDescriptor<Long> COUNT = StateDescriptor.of("count", StateSerializers.LONG);

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:00:00Z"));

    private HeapKeyedStateBackend backend(KeyGroupRange range) {
        return new HeapKeyedStateBackend("test", range, clock, Runnable::run);
    }

    private static byte[] key(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void select(HeapKeyedStateBackend backend, String text) {
        backend.setCurrentKey(key(text), KeyGroups.keyGroup(key(text), MAX));
    }

    @Test
    void everyKindOfStateBelongsToTheCurrentKey() {
        HeapKeyedStateBackend backend = backend(new KeyGroupRange(0, MAX));
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
        HeapKeyedStateBackend backend = backend(new KeyGroupRange(0, MAX));
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
        HeapKeyedStateBackend backend = backend(new KeyGroupRange(0, MAX));
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
        LocalCheckpointStorage storage = new LocalCheckpointStorage(directory, "orders");
        HeapKeyedStateBackend whole = backend(new KeyGroupRange(0, MAX));
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

        HeapKeyedStateBackend[] halves = {backend(KeyGroups.range(0, MAX, 2)), backend(KeyGroups.range(1, MAX, 2))};
        int firedTimers = 0;
        for (HeapKeyedStateBackend half : halves) {
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
        LocalCheckpointStorage storage = new LocalCheckpointStorage(directory, "orders");
        HeapKeyedStateBackend before = backend(new KeyGroupRange(0, MAX));
        select(before, "alice");
        before.valueState(COUNT).update(1L);
        KeyedStateHandle handle = before.snapshot(1, storage).join();
        HeapKeyedStateBackend after = backend(new KeyGroupRange(0, MAX));
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
