package dev.floe.engine.state;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.checkpoint.CheckpointStorage;
import dev.floe.engine.dataflow.KeyGroupRange;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.state.ListState;
import dev.floe.engine.spi.state.MapState;
import dev.floe.engine.spi.state.StateDescriptor;
import dev.floe.engine.spi.state.StateSerializer;
import dev.floe.engine.spi.state.TimerService;
import dev.floe.engine.spi.state.ValueState;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;

/**
 * Keyed state in RocksDB on local disk, for state larger than memory: a column family per state,
 * keys prefixed by the key group so that a range of key groups is a range of keys (see {@link
 * RocksDbKeys}), timers in a column family of their own so that they survive restarts, and a time
 * to live per state (an expired entry reads as absent and is deleted when read, or by the
 * incremental {@link RocksDbTtlSweep}, or when a rescaled restore copies state).
 *
 * <p>A snapshot's synchronous part is RocksDB's native checkpoint (a flush and hard links); the
 * upload runs on {@code uploads} and is incremental: SST files uploaded by an earlier snapshot are
 * referenced again, not uploaded (see {@link RocksDbSnapshots}). Used from the subtask's thread
 * only, except the uploads.
 *
 * <p>Owns its working directory and its {@link RocksDbStore}. Close order: the store (checkpoint
 * object, column families, database), then the database's files; the working directory goes when
 * the last upload in flight is done. The shared cache and options outlive it ({@link
 * RocksDbResources}).
 */
public final class RocksDbKeyedStateBackend implements KeyedStateBackend {
    public static final String NAME = "rocksdb";

    private final String owner;
    private final KeyGroupRange range;
    private final Clock clock;
    private final RocksDbResources resources;
    private final Path databaseDirectory;
    private final RocksDbSnapshots snapshots;
    private final RocksDbTtlSweep sweep;
    private final RocksDbWriteCache cache;
    private RocksDbStore store;
    private RocksDbTimers timers;
    private boolean declared;
    private boolean closed;

    private byte[] currentKey;
    private int currentKeyGroup;
    private byte[] keyBuffer = new byte[64];
    private int prefixLength;
    private byte[] mapKeyBuffer = new byte[64];
    private byte[] valueBuffer = new byte[64];

    /**
     * @param owner names the pipeline and subtask in messages and paths, such as {@code orders-0}
     * @param range the key groups this backend holds
     * @param clock processing time and time-to-live
     * @param uploads where snapshots are written to storage
     * @param resources the cache and options shared with the pipeline's other backends
     * @param workingDirectory a directory of its own, deleted on close
     * @param cacheBytes the bound of its write-back cache of value and map entries; 0 for none
     */
    RocksDbKeyedStateBackend(
            String owner,
            KeyGroupRange range,
            Clock clock,
            Executor uploads,
            RocksDbResources resources,
            Path workingDirectory,
            long cacheBytes) {
        if (range.end() > RocksDbKeys.MAX_KEY_GROUPS) {
            throw new IllegalArgumentException("Cannot hold key groups " + range + " in the RocksDB state of " + owner
                    + ": it holds at most " + RocksDbKeys.MAX_KEY_GROUPS + " key groups (the max parallelism)");
        }
        this.owner = owner;
        this.range = range;
        this.clock = clock;
        this.resources = resources;
        this.databaseDirectory = workingDirectory.resolve("db");
        this.snapshots = new RocksDbSnapshots(owner, range, uploads, workingDirectory);
        this.sweep = new RocksDbTtlSweep();
        this.store = RocksDbStore.open(owner, databaseDirectory, resources);
        this.timers = RocksDbTimers.empty(this, store);
        this.cache = new RocksDbWriteCache(cacheBytes, new RocksDbWriteCache.Store() {
            @Override
            public void put(RocksDbState state, byte[] key, byte[] stored) {
                putStored(state, key, key.length, stored, stored.length);
            }

            @Override
            public void delete(RocksDbState state, byte[] key) {
                deleteStored(state, key, key.length);
            }
        });
    }

    String owner() {
        return owner;
    }

    @Override
    public void setCurrentKey(byte[] key, int keyGroup) {
        this.currentKey = key;
        this.currentKeyGroup = keyGroup;
        int length = RocksDbKeys.prefixLength(key);
        if (length > keyBuffer.length) {
            keyBuffer = new byte[Math.max(length, 2 * keyBuffer.length)];
        }
        prefixLength = RocksDbKeys.writePrefix(keyBuffer, keyGroup, key);
    }

    @Override
    public byte[] currentKey() {
        return currentKey;
    }

    int currentKeyGroup() {
        return currentKeyGroup;
    }

    @Override
    public TimerService timers() {
        return timers;
    }

    // declaring states

    /** The column family of a state the operator declares, checked against what was stored. */
    private RocksDbState declare(StateDescriptor<?> descriptor, StateMeta.Kind kind, int serializerVersion) {
        String name = descriptor.name();
        StateMeta declaredMeta = new StateMeta(
                kind,
                serializerVersion,
                descriptor.ttl() == null ? 0 : descriptor.ttl().toMillis());
        StateMeta stored = store.meta(name);
        if (stored != null && (stored.kind() != kind || stored.serializerVersion() != serializerVersion)) {
            throw new FatalException(
                    EngineErrorCode.TASK_FAILED,
                    "Cannot use state '" + name + "' of " + owner + ": it was stored as a " + stored.kind()
                            + " state with serializer version " + stored.serializerVersion()
                            + ", and is now declared as a " + kind + " state with version " + serializerVersion);
        }
        if (!declaredMeta.equals(stored)) {
            store.putMeta(name, declaredMeta);
        }
        ColumnFamilyHandle column = store.state(name);
        if (column == null) {
            column = store.createState(name);
        }
        declared = true;
        RocksDbState state = new RocksDbState(name, column, declaredMeta);
        sweep.track(state);
        return state;
    }

    @Override
    public <T> ValueState<T> valueState(StateDescriptor<T> descriptor) {
        RocksDbState state = declare(
                descriptor, StateMeta.Kind.VALUE, descriptor.serializer().version());
        StateSerializer<T> serializer = descriptor.serializer();
        return new ValueState<>() {
            @Override
            public T value() {
                byte[] stored = readCurrent(state);
                return stored == null ? null : serializer.deserialize(RocksDbValues.serialized(stored));
            }

            @Override
            public void update(T value) {
                if (value == null) {
                    clear();
                } else {
                    writeCurrent(state, serializer.serialize(value));
                }
            }

            @Override
            public void clear() {
                deleteCurrent(state);
            }
        };
    }

    @Override
    public <K, V> MapState<K, V> mapState(StateDescriptor<V> descriptor, StateSerializer<K> keySerializer) {
        RocksDbState state = declare(
                descriptor, StateMeta.Kind.MAP, descriptor.serializer().version() * 1000 + keySerializer.version());
        return new RocksDbMapState<>(this, state, descriptor.serializer(), keySerializer);
    }

    @Override
    public <T> ListState<T> listState(StateDescriptor<T> descriptor) {
        RocksDbState state =
                declare(descriptor, StateMeta.Kind.LIST, descriptor.serializer().version());
        return new RocksDbListState<>(this, state, descriptor.serializer());
    }

    // reading and writing the current key's entries, for the state views

    private void requireKey() {
        if (currentKey == null) {
            throw new IllegalStateException("keyed state of " + owner + " used with no current key");
        }
    }

    /** The current key's live stored value in {@code state}, or null; an expired one is deleted. */
    byte[] readCurrent(RocksDbState state) {
        requireKey();
        return read(state, keyBuffer, prefixLength);
    }

    void writeCurrent(RocksDbState state, byte[] serialized) {
        requireKey();
        write(state, keyBuffer, prefixLength, serialized);
    }

    /** Stores {@code stored} as it is (already encoded) under the current key. */
    void putCurrentEncoded(RocksDbState state, byte[] stored) {
        requireKey();
        try {
            store.database()
                    .put(state.column(), store.writeOptions(), keyBuffer, 0, prefixLength, stored, 0, stored.length);
        } catch (RocksDBException e) {
            throw store.failure("write state '" + state.name() + "' of", e);
        }
    }

    void mergeCurrent(RocksDbState state, byte[] element) {
        requireKey();
        try {
            store.database()
                    .merge(
                            state.column(),
                            store.writeOptions(),
                            keyBuffer,
                            0,
                            prefixLength,
                            element,
                            0,
                            element.length);
        } catch (RocksDBException e) {
            throw store.failure("add to state '" + state.name() + "' of", e);
        }
    }

    void deleteCurrent(RocksDbState state) {
        requireKey();
        delete(state, keyBuffer, prefixLength);
    }

    /** The current key followed by {@code mapKey}, in a buffer reused by the next call. */
    byte[] mapKey(byte[] mapKey) {
        requireKey();
        int length = prefixLength + mapKey.length;
        if (length > mapKeyBuffer.length) {
            mapKeyBuffer = new byte[Math.max(length, 2 * mapKeyBuffer.length)];
        }
        System.arraycopy(keyBuffer, 0, mapKeyBuffer, 0, prefixLength);
        System.arraycopy(mapKey, 0, mapKeyBuffer, prefixLength, mapKey.length);
        return mapKeyBuffer;
    }

    int currentPrefixLength() {
        return prefixLength;
    }

    /** A copy of the current key's prefix: the first key of its map entries. */
    byte[] currentPrefix() {
        requireKey();
        return java.util.Arrays.copyOf(keyBuffer, prefixLength);
    }

    /**
     * The live stored value of {@code key}'s first {@code length} bytes in {@code state}, or null;
     * an expired one is deleted. Value and map entries go through the write-back cache.
     */
    byte[] read(RocksDbState state, byte[] key, int length) {
        boolean cached = cacheable(state);
        byte[] stored;
        if (cached) {
            RocksDbWriteCache.Entry entry = cache.get(state, key, length);
            if (entry != null) {
                stored = entry.stored;
            } else {
                stored = readStored(state, key, length);
                cache.loaded(state, key, length, stored);
            }
        } else {
            stored = readStored(state, key, length);
        }
        if (stored != null && RocksDbValues.expired(state.meta(), stored, clock.millis())) {
            delete(state, key, length);
            return null;
        }
        return stored;
    }

    void write(RocksDbState state, byte[] key, int length, byte[] serialized) {
        if (cacheable(state)) {
            cache.write(state, key, length, clock.millis(), serialized);
            return;
        }
        int size = 8 + serialized.length;
        if (size > valueBuffer.length) {
            valueBuffer = new byte[Math.max(size, 2 * valueBuffer.length)];
        }
        RocksDbKeys.writeLong(valueBuffer, 0, clock.millis());
        System.arraycopy(serialized, 0, valueBuffer, 8, serialized.length);
        putStored(state, key, length, valueBuffer, size);
    }

    void delete(RocksDbState state, byte[] key, int length) {
        if (cacheable(state)) {
            cache.delete(state, key, length);
        } else {
            deleteStored(state, key, length);
        }
    }

    /** Whether {@code state}'s entries go through the cache: lists are merged in RocksDB, so not theirs. */
    private boolean cacheable(RocksDbState state) {
        return cache.enabled() && state.meta().kind() != StateMeta.Kind.LIST;
    }

    /**
     * Writes what the cache holds changed to RocksDB: before RocksDB's own view of the states is
     * read (an iteration, a snapshot).
     */
    void flushCache() {
        cache.flush();
    }

    RocksDbWriteCache cache() {
        return cache;
    }

    private byte[] readStored(RocksDbState state, byte[] key, int length) {
        try {
            return store.database().get(state.column(), store.readOptions(), key, 0, length);
        } catch (RocksDBException e) {
            throw store.failure("read state '" + state.name() + "' of", e);
        }
    }

    private void putStored(RocksDbState state, byte[] key, int length, byte[] stored, int storedLength) {
        try {
            store.database().put(state.column(), store.writeOptions(), key, 0, length, stored, 0, storedLength);
        } catch (RocksDBException e) {
            throw store.failure("write state '" + state.name() + "' of", e);
        }
    }

    private void deleteStored(RocksDbState state, byte[] key, int length) {
        try {
            store.database().delete(state.column(), store.writeOptions(), key, 0, length);
        } catch (RocksDBException e) {
            throw store.failure("delete from state '" + state.name() + "' of", e);
        }
    }

    RocksDbStore store() {
        return store;
    }

    long now() {
        return clock.millis();
    }

    // timers

    @Override
    public void advanceWatermark(long watermark, TimerCallback callback) {
        timers.advanceWatermark(watermark, callback);
    }

    @Override
    public void advanceProcessingTime(long now, TimerCallback callback) {
        timers.fire(RocksDbKeys.PROCESSING_TIME, now, callback);
        sweep.sweepIfDue(store, clock.millis(), cache::flush);
    }

    // snapshots

    @Override
    public CompletableFuture<KeyedStateHandle> snapshot(long checkpointId, CheckpointStorage storage) {
        cache.flush();
        return snapshots.snapshot(store, checkpointId, storage);
    }

    @Override
    public void restore(List<KeyedStateHandle> handles, CheckpointStorage storage) {
        if (declared) {
            throw new IllegalStateException("Cannot restore " + owner + " after its states were declared");
        }
        store.close();
        cache.clear();
        RocksDbWorkingDirectory.deleteRecursively(databaseDirectory);
        store = new RocksDbRestore(owner, range, resources, clock, databaseDirectory)
                .restore(handles, storage, snapshots);
        timers = RocksDbTimers.restored(this, store);
    }

    /** Compacts the database fully: what RocksDB does in the background, now (for tests). */
    void compact() {
        cache.flush();
        store.compact();
    }

    /** The entries stored in {@code state}'s column family, expired or not (for tests). */
    long storedEntries(String state) {
        cache.flush();
        long count = 0;
        try (org.rocksdb.RocksIterator iterator = store.iterator(store.state(state))) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                count++;
            }
        }
        return count;
    }

    /** Closes the store and deletes its files; idempotent, and safe from another thread once this one's ended. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        store.close();
        RocksDbWorkingDirectory.deleteRecursively(databaseDirectory);
        snapshots.close();
    }
}
