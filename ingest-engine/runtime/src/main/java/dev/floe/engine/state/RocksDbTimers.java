package dev.floe.engine.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * The RocksDB backend's timers, in their own column family ordered by domain and time (see {@link
 * RocksDbKeys}), so that the next timer due is the first key and timers survive restarts.
 *
 * <p>Two things per domain keep the subtask's per-batch calls cheap: {@code next}, a time no
 * pending timer is below ({@link Long#MIN_VALUE} when unknown), so that nothing is read while no
 * timer is due; and {@code floor}, no pending timer's key is below it (null: the domain's start),
 * where the next read seeks to. It is the last fired timer's whole key, not its time: thousands of
 * windows end at the same time, and a seek to that time would step over the deletions of all the
 * timers of that time already fired, again for each batch.
 */
final class RocksDbTimers implements dev.floe.engine.spi.state.TimerService {
    /** Due timers read per seek. */
    private static final int BATCH = 256;

    private static final byte[] NO_VALUE = new byte[0];

    private final RocksDbKeyedStateBackend backend;
    private final RocksDbStore store;
    private final long[] next = new long[2];
    private final byte[][] floor = new byte[2][];
    private long watermark = Long.MIN_VALUE;
    /** While timers fire: the time they fire up to, to notice callbacks that change what is due. */
    private long firingUpTo = Long.MIN_VALUE;

    private boolean changedWhileFiring;

    private RocksDbTimers(RocksDbKeyedStateBackend backend, RocksDbStore store, long knownNext) {
        this.backend = backend;
        this.store = store;
        this.next[0] = knownNext;
        this.next[1] = knownNext;
    }

    /** The timers of a new, empty store: none is pending. */
    static RocksDbTimers empty(RocksDbKeyedStateBackend backend, RocksDbStore store) {
        return new RocksDbTimers(backend, store, Long.MAX_VALUE);
    }

    /** The timers of a restored store: whether any is due is read on the first call. */
    static RocksDbTimers restored(RocksDbKeyedStateBackend backend, RocksDbStore store) {
        return new RocksDbTimers(backend, store, Long.MIN_VALUE);
    }

    @Override
    public long currentWatermark() {
        return watermark;
    }

    @Override
    public long currentProcessingTime() {
        return backend.now();
    }

    @Override
    public void registerEventTimeTimer(long time) {
        register(RocksDbKeys.EVENT_TIME, time);
    }

    @Override
    public void deleteEventTimeTimer(long time) {
        delete(RocksDbKeys.EVENT_TIME, time);
    }

    @Override
    public void registerProcessingTimeTimer(long time) {
        register(RocksDbKeys.PROCESSING_TIME, time);
    }

    @Override
    public void deleteProcessingTimeTimer(long time) {
        delete(RocksDbKeys.PROCESSING_TIME, time);
    }

    private byte[] currentTimer(byte domain, long time) {
        byte[] key = backend.currentKey();
        if (key == null) {
            throw new IllegalStateException("timer of " + backend.owner() + " registered with no current key");
        }
        return RocksDbKeys.timerKey(domain, time, backend.currentKeyGroup(), key);
    }

    private void register(byte domain, long time) {
        byte[] timer = currentTimer(domain, time);
        try {
            store.database().put(store.timers(), store.writeOptions(), timer, NO_VALUE);
        } catch (RocksDBException e) {
            throw store.failure("register a timer of", e);
        }
        next[domain] = Math.min(next[domain], time);
        if (floor[domain] != null && Arrays.compareUnsigned(timer, floor[domain]) < 0) {
            floor[domain] = timer;
        }
        if (time <= firingUpTo) {
            changedWhileFiring = true;
        }
    }

    private void delete(byte domain, long time) {
        try {
            store.database().delete(store.timers(), store.writeOptions(), currentTimer(domain, time));
        } catch (RocksDBException e) {
            throw store.failure("delete a timer of", e);
        }
        changedWhileFiring = true;
    }

    void advanceWatermark(long newWatermark, TimerCallback callback) {
        watermark = Math.max(watermark, newWatermark);
        fire(RocksDbKeys.EVENT_TIME, newWatermark, callback);
    }

    /** Fires, in time order, every timer of {@code domain} at or below {@code upTo}. */
    void fire(byte domain, long upTo, TimerCallback callback) {
        if (next[domain] > upTo) {
            return;
        }
        long outerFiring = firingUpTo;
        try {
            while (true) {
                List<byte[]> due = due(domain, upTo);
                if (due.isEmpty()) {
                    return;
                }
                for (byte[] timer : due) {
                    changedWhileFiring = false;
                    firingUpTo = upTo;
                    long time = RocksDbKeys.timerTime(timer);
                    try {
                        store.database().delete(store.timers(), store.writeOptions(), timer);
                    } catch (RocksDBException e) {
                        throw store.failure("delete a fired timer of", e);
                    }
                    floor[domain] = timer;
                    backend.setCurrentKey(RocksDbKeys.timerRecordKey(timer), RocksDbKeys.timerKeyGroup(timer));
                    callback.onTimer(time);
                    if (changedWhileFiring) {
                        // the callback registered a due timer or deleted one: read what is due again
                        break;
                    }
                }
            }
        } finally {
            firingUpTo = outerFiring;
        }
    }

    /** Up to {@link #BATCH} timers of {@code domain} due at {@code upTo}, in time order. */
    private List<byte[]> due(byte domain, long upTo) {
        List<byte[]> due = new ArrayList<>();
        try (RocksIterator iterator = store.iterator(store.timers())) {
            iterator.seek(floor[domain] == null ? RocksDbKeys.timerSeek(domain, Long.MIN_VALUE) : floor[domain]);
            while (due.size() < BATCH) {
                if (!iterator.isValid()) {
                    checkStatus(iterator);
                    next[domain] = Long.MAX_VALUE;
                    break;
                }
                byte[] timer = iterator.key();
                if (timer[0] != domain) {
                    next[domain] = Long.MAX_VALUE;
                    break;
                }
                long time = RocksDbKeys.timerTime(timer);
                if (time > upTo) {
                    next[domain] = time;
                    break;
                }
                due.add(timer);
                iterator.next();
            }
        }
        return due;
    }

    private void checkStatus(RocksIterator iterator) {
        try {
            iterator.status();
        } catch (RocksDBException e) {
            throw store.failure("read the timers of", e);
        }
    }
}
