package dev.floe.engine.state;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.checkpoint.CheckpointStorage;
import dev.floe.engine.dataflow.KeyGroupRange;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.state.ListState;
import dev.floe.engine.spi.state.MapState;
import dev.floe.engine.spi.state.StateDescriptor;
import dev.floe.engine.spi.state.StateSerializer;
import dev.floe.engine.spi.state.TimerService;
import dev.floe.engine.spi.state.ValueState;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Keyed state on the Java heap, for small state and for tests. Values are stored serialized, as a
 * RocksDB backend stores them, so both behave alike and a snapshot's synchronous part is a shallow
 * copy of the tables; writing the snapshot to storage runs on {@code uploads}.
 */
public final class HeapKeyedStateBackend implements KeyedStateBackend {
    public static final String NAME = "heap";

    private final String owner;
    private final KeyGroupRange range;
    private final Clock clock;
    private final Executor uploads;
    private HeapTables tables = new HeapTables();
    private final Timers timers = new Timers();
    private byte[] currentKey;
    private int currentKeyGroup;
    private long watermark = Long.MIN_VALUE;

    /**
     * @param owner names the pipeline and subtask in messages and snapshot paths
     * @param range the key groups this backend holds
     * @param clock processing time and time-to-live
     * @param uploads where snapshots are written to storage
     */
    public HeapKeyedStateBackend(String owner, KeyGroupRange range, Clock clock, Executor uploads) {
        this.owner = owner;
        this.range = range;
        this.clock = clock;
        this.uploads = uploads;
    }

    @Override
    public void setCurrentKey(byte[] key, int keyGroup) {
        this.currentKey = key;
        this.currentKeyGroup = keyGroup;
    }

    @Override
    public byte[] currentKey() {
        return currentKey;
    }

    @Override
    public TimerService timers() {
        return timers;
    }

    private HeapTables.Table table(StateDescriptor<?> descriptor, HeapTables.Kind kind, int serializerVersion) {
        HeapTables.Table table = tables.tables.get(descriptor.name());
        if (table == null) {
            table = new HeapTables.Table(kind, serializerVersion);
            tables.tables.put(descriptor.name(), table);
        } else if (table.kind != kind || table.serializerVersion != serializerVersion) {
            // a restored table: its stored form must be what the operator now declares
            throw new FatalException(
                    EngineErrorCode.TASK_FAILED,
                    "Cannot use state '" + descriptor.name() + "' of " + owner + ": it was stored as a " + table.kind
                            + " state with serializer version " + table.serializerVersion
                            + ", and is now declared as a "
                            + kind + " state with version " + serializerVersion);
        }
        table.ttlMillis = descriptor.ttl() == null ? 0 : descriptor.ttl().toMillis();
        return table;
    }

    private StateKey key(byte[] userKey) {
        if (currentKey == null) {
            throw new IllegalStateException("keyed state of " + owner + " used with no current key");
        }
        return new StateKey(currentKeyGroup, currentKey, userKey);
    }

    /** The live entry at {@code key}, or null when absent or expired. */
    private HeapTables.Entry live(HeapTables.Table table, StateKey key, StateDescriptor<?> descriptor) {
        HeapTables.Entry entry = table.entries.get(key);
        if (entry != null && expired(entry, descriptor)) {
            table.entries.remove(key);
            return null;
        }
        return entry;
    }

    private boolean expired(HeapTables.Entry entry, StateDescriptor<?> descriptor) {
        return descriptor.ttl() != null
                && clock.millis() - entry.writtenAt() >= descriptor.ttl().toMillis();
    }

    private HeapTables.Entry entry(byte[] value) {
        return new HeapTables.Entry(value, clock.millis());
    }

    @Override
    public <T> ValueState<T> valueState(StateDescriptor<T> descriptor) {
        HeapTables.Table table =
                table(descriptor, HeapTables.Kind.VALUE, descriptor.serializer().version());
        StateSerializer<T> serializer = descriptor.serializer();
        return new ValueState<>() {
            @Override
            public T value() {
                HeapTables.Entry entry = live(table, key(null), descriptor);
                return entry == null ? null : serializer.deserialize(entry.value());
            }

            @Override
            public void update(T value) {
                if (value == null) {
                    clear();
                } else {
                    table.entries.put(key(null), entry(serializer.serialize(value)));
                }
            }

            @Override
            public void clear() {
                table.entries.remove(key(null));
            }
        };
    }

    @Override
    public <K, V> MapState<K, V> mapState(StateDescriptor<V> descriptor, StateSerializer<K> keySerializer) {
        HeapTables.Table table = table(
                descriptor, HeapTables.Kind.MAP, descriptor.serializer().version() * 1000 + keySerializer.version());
        return new HeapMapState<>(this, table, descriptor, keySerializer);
    }

    @Override
    public <T> ListState<T> listState(StateDescriptor<T> descriptor) {
        HeapTables.Table table =
                table(descriptor, HeapTables.Kind.VALUE, descriptor.serializer().version());
        return new HeapListState<>(this, table, descriptor);
    }

    // used by the map and list views

    StateKey currentStateKey(byte[] userKey) {
        return key(userKey);
    }

    HeapTables.Entry liveEntry(HeapTables.Table table, StateKey key, StateDescriptor<?> descriptor) {
        return live(table, key, descriptor);
    }

    HeapTables.Entry newEntry(byte[] value) {
        return entry(value);
    }

    boolean isExpired(HeapTables.Entry entry, StateDescriptor<?> descriptor) {
        return expired(entry, descriptor);
    }

    @Override
    public void advanceWatermark(long newWatermark, TimerCallback callback) {
        watermark = Math.max(watermark, newWatermark);
        fire(tables.eventTimers, newWatermark, callback);
    }

    @Override
    public void advanceProcessingTime(long now, TimerCallback callback) {
        fire(tables.processingTimers, now, callback);
    }

    private void fire(java.util.TreeSet<HeapTables.Timer> queue, long upTo, TimerCallback callback) {
        // a timer's callback may register new timers, even due ones: take them one at a time
        while (!queue.isEmpty() && queue.first().time() <= upTo) {
            HeapTables.Timer timer = queue.pollFirst();
            setCurrentKey(timer.key(), timer.keyGroup());
            callback.onTimer(timer.time());
        }
    }

    @Override
    public CompletableFuture<KeyedStateHandle> snapshot(long checkpointId, CheckpointStorage storage) {
        HeapTables copy = tables.copy();
        long now = clock.millis();
        String path = storage.attachmentPath(checkpointId, "state/" + owner + "-" + range.start() + "-" + range.end());
        return CompletableFuture.supplyAsync(
                () -> {
                    byte[] bytes = HeapSnapshotFormat.write(copy, range, now);
                    storage.write(path, bytes);
                    return new KeyedStateHandle(NAME, path, range, bytes.length);
                },
                uploads);
    }

    @Override
    public void restore(List<KeyedStateHandle> handles, CheckpointStorage storage) {
        HeapTables restored = new HeapTables();
        for (KeyedStateHandle handle : handles) {
            if (!handle.backend().equals(NAME)) {
                throw new FatalException(
                        EngineErrorCode.CHECKPOINT_CORRUPT,
                        "Cannot restore " + owner + " from " + handle.path() + ": it was written by the "
                                + handle.backend() + " backend, and this pipeline uses the heap backend");
            }
            if (!handle.keyGroups().overlaps(range)) {
                continue;
            }
            byte[] bytes = read(handle, storage);
            if (bytes.length != handle.bytes()) {
                throw new FatalException(
                        EngineErrorCode.CHECKPOINT_CORRUPT,
                        "Cannot restore " + owner + " from " + handle.path() + ": its file " + handle.path() + " has "
                                + bytes.length + " bytes, the checkpoint lists " + handle.bytes());
            }
            try {
                HeapSnapshotFormat.read(bytes, range, restored);
            } catch (IllegalArgumentException e) {
                throw new FatalException(
                        EngineErrorCode.CHECKPOINT_CORRUPT,
                        "Cannot restore " + owner + " from " + handle.path() + ": " + e.getMessage(),
                        e);
            }
        }
        this.tables = restored;
    }

    private byte[] read(KeyedStateHandle handle, CheckpointStorage storage) {
        try {
            return storage.read(handle.path());
        } catch (RetriableException e) {
            // a file that is not there will not appear by retrying
            if (!storage.exists(handle.path())) {
                throw new FatalException(
                        EngineErrorCode.CHECKPOINT_CORRUPT,
                        "Cannot restore " + owner + " from " + handle.path() + ": its file " + handle.path()
                                + " is missing from " + storage.describe(),
                        e);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        tables = new HeapTables();
    }

    /** The timers of the current key. */
    private final class Timers implements TimerService {
        @Override
        public long currentWatermark() {
            return watermark;
        }

        @Override
        public long currentProcessingTime() {
            return clock.millis();
        }

        @Override
        public void registerEventTimeTimer(long time) {
            tables.eventTimers.add(new HeapTables.Timer(time, currentKeyGroup, currentKey));
        }

        @Override
        public void deleteEventTimeTimer(long time) {
            tables.eventTimers.remove(new HeapTables.Timer(time, currentKeyGroup, currentKey));
        }

        @Override
        public void registerProcessingTimeTimer(long time) {
            tables.processingTimers.add(new HeapTables.Timer(time, currentKeyGroup, currentKey));
        }

        @Override
        public void deleteProcessingTimeTimer(long time) {
            tables.processingTimers.remove(new HeapTables.Timer(time, currentKeyGroup, currentKey));
        }
    }
}
