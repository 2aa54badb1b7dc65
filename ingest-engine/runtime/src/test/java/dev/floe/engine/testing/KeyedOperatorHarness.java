package dev.floe.engine.testing;

import dev.floe.engine.checkpoint.LocalCheckpointStorage;
import dev.floe.engine.config.StateConfig;
import dev.floe.engine.dataflow.KeyGroupRange;
import dev.floe.engine.dataflow.KeyGroups;
import dev.floe.engine.spi.dataflow.KeySelector;
import dev.floe.engine.spi.dataflow.KeyedOperator;
import dev.floe.engine.spi.dataflow.KeyedOperatorContext;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.state.KeyedStateStore;
import dev.floe.engine.spi.state.TimerService;
import dev.floe.engine.state.KeyedStateBackend;
import dev.floe.engine.state.KeyedStateBackends;
import dev.floe.engine.state.KeyedStateHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A deterministic driver for keyed operators: rows, watermarks and processing time go in when the
 * test says, checkpoints are taken when the test says, and a "crash" is a new harness restored from
 * a snapshot, with the same or other key groups (a rescale). Uses a real state backend (the heap's
 * unless a test asks for RocksDB) and real checkpoint storage in a directory; no threads, no clock
 * but the test's.
 */
public final class KeyedOperatorHarness implements AutoCloseable {
    private final Supplier<KeyedOperator> factory;
    private final KeySelector keys;
    private final int maxParallelism;
    private final KeyGroupRange range;
    private final ManualClock clock;
    private final LocalCheckpointStorage storage;
    private final StateConfig.Backend backendKind;
    private final KeyedStateBackends backends;
    private final KeyedStateBackend backend;
    private final KeyedOperator operator;
    private final List<Row> output = new ArrayList<>();

    private KeyedOperatorHarness(
            Supplier<KeyedOperator> factory,
            KeySelector keys,
            int maxParallelism,
            KeyGroupRange range,
            ManualClock clock,
            Path directory,
            StateConfig.Backend backendKind,
            List<KeyedStateHandle> restoreFrom) {
        this.factory = factory;
        this.keys = keys;
        this.maxParallelism = maxParallelism;
        this.range = range;
        this.clock = clock;
        this.storage = new LocalCheckpointStorage(directory, "harness");
        this.backendKind = backendKind;
        this.backends = KeyedStateBackends.open(
                "harness",
                new StateConfig(
                        backendKind,
                        StateConfig.MIN_MEMORY,
                        directory.resolve("state"),
                        StateConfig.DEFAULT_WRITE_BUFFER,
                        StateConfig.DEFAULT_CACHE),
                clock,
                Runnable::run);
        this.backend = backends.create(0, range);
        if (!restoreFrom.isEmpty()) {
            backend.restore(restoreFrom, storage);
        }
        this.operator = factory.get();
        operator.open(new Context());
    }

    /** A harness owning every key group, at {@code clock}'s time, storing checkpoints in {@code directory}. */
    public static KeyedOperatorHarness of(
            Supplier<KeyedOperator> factory, KeySelector keys, ManualClock clock, Path directory) {
        return of(factory, keys, clock, directory, StateConfig.Backend.HEAP);
    }

    /** A harness owning every key group, with its state in {@code backend}. */
    public static KeyedOperatorHarness of(
            Supplier<KeyedOperator> factory,
            KeySelector keys,
            ManualClock clock,
            Path directory,
            StateConfig.Backend backend) {
        return new KeyedOperatorHarness(
                factory,
                keys,
                KeyGroups.DEFAULT_MAX_PARALLELISM,
                new KeyGroupRange(0, KeyGroups.DEFAULT_MAX_PARALLELISM),
                clock,
                directory,
                backend,
                List.of());
    }

    /** Processes a row as the keyed stage would: its key made current first. */
    public KeyedOperatorHarness process(Row row) {
        byte[] key = keys.key(row);
        int keyGroup = KeyGroups.keyGroup(key, maxParallelism);
        if (!range.contains(keyGroup)) {
            throw new IllegalArgumentException(
                    "the row's key group " + keyGroup + " is not in this harness's " + range);
        }
        backend.setCurrentKey(key, keyGroup);
        operator.process(row, this::collect);
        return this;
    }

    public KeyedOperatorHarness watermark(long time) {
        backend.advanceWatermark(time, fired -> operator.onEventTime(fired, this::collect));
        return this;
    }

    /** Moves the clock and fires the processing-time timers that became due. */
    public KeyedOperatorHarness advanceProcessingTime(Duration duration) {
        clock.advance(duration);
        backend.advanceProcessingTime(clock.millis(), fired -> operator.onProcessingTime(fired, this::collect));
        return this;
    }

    public KeyedOperatorHarness endOfInput() {
        backend.advanceWatermark(Long.MAX_VALUE, fired -> operator.onEventTime(fired, this::collect));
        operator.endOfInput(this::collect);
        return this;
    }

    /** Takes a checkpoint of the keyed state. */
    public KeyedStateHandle checkpoint(long checkpointId) {
        return backend.snapshot(checkpointId, storage).join();
    }

    /** What a restart from {@code handles} looks like: a fresh operator with the restored state. */
    public KeyedOperatorHarness restart(List<KeyedStateHandle> handles) {
        return restart(handles, range);
    }

    /** A restart owning only {@code newRange}: a subtask of a rescaled pipeline. */
    public KeyedOperatorHarness restart(List<KeyedStateHandle> handles, KeyGroupRange newRange) {
        return new KeyedOperatorHarness(
                factory, keys, maxParallelism, newRange, clock, storageDirectory(), backendKind, handles);
    }

    private Path storageDirectory() {
        return Path.of(storage.describe()).getParent();
    }

    /** Operators may reuse what they emit: keep a copy that owns its data. */
    private void collect(Row row) {
        output.add(row.detach());
    }

    /** Rows emitted so far, in order; the list is the harness's own. */
    public List<Row> output() {
        return output;
    }

    /** Rows emitted so far, and forgets them. */
    public List<Row> drain() {
        List<Row> drained = new ArrayList<>(output);
        output.clear();
        return drained;
    }

    @Override
    public void close() {
        operator.close();
        backend.close();
        backends.close();
    }

    private final class Context implements KeyedOperatorContext {
        @Override
        public KeyedStateStore state() {
            return backend;
        }

        @Override
        public TimerService timers() {
            return backend.timers();
        }

        @Override
        public byte[] currentKey() {
            return backend.currentKey();
        }

        @Override
        public String pipelineId() {
            return "harness";
        }

        @Override
        public int subtask() {
            return 0;
        }

        @Override
        public int parallelism() {
            return 1;
        }
    }
}
