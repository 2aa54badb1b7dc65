package dev.floe.engine.state;

import java.util.ArrayList;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * Deletes expired entries of the states with a time to live a little at a time, on the subtask's
 * thread between batches, so that state nobody reads again does not stay on disk and in every
 * checkpoint for ever. RocksDB's Java API has no compaction filter written in Java, so expiry
 * cannot ride on compaction; instead each sweep reads on from where the previous one stopped, at
 * most {@link #ENTRIES} entries per state every {@link #INTERVAL_MILLIS}, and wraps around at the
 * end. Reads skip expired entries whether or not a sweep has reached them yet.
 */
final class RocksDbTtlSweep {
    static final long INTERVAL_MILLIS = 100;
    static final int ENTRIES = 1_000;

    /** A state with a time to live and where its sweep goes on from; null from the start. */
    private static final class Target {
        final RocksDbState state;
        byte[] resumeAt;

        Target(RocksDbState state) {
            this.state = state;
        }
    }

    private final List<Target> targets = new ArrayList<>();
    private long nextSweep = Long.MIN_VALUE;

    /** Sweeps {@code state} from now on if it has a time to live (again, if it was declared before). */
    void track(RocksDbState state) {
        targets.removeIf(target -> target.state.name().equals(state.name()));
        if (state.meta().ttlMillis() > 0) {
            targets.add(new Target(state));
        }
    }

    /**
     * Sweeps if it is time to; {@code beforeSweep} first, which puts in the store what is only
     * cached, so that the sweep sees every entry.
     */
    void sweepIfDue(RocksDbStore store, long now, Runnable beforeSweep) {
        if (targets.isEmpty() || now < nextSweep) {
            return;
        }
        nextSweep = now + INTERVAL_MILLIS;
        beforeSweep.run();
        for (Target target : targets) {
            sweep(store, target, now);
        }
    }

    private static void sweep(RocksDbStore store, Target target, long now) {
        try (WriteBatch expired = new WriteBatch();
                RocksIterator iterator = store.iterator(target.state.column())) {
            if (target.resumeAt == null) {
                iterator.seekToFirst();
            } else {
                iterator.seek(target.resumeAt);
            }
            int read = 0;
            for (; iterator.isValid() && read < ENTRIES; iterator.next(), read++) {
                if (RocksDbValues.expired(target.state.meta(), iterator.value(), now)) {
                    expired.delete(target.state.column(), iterator.key());
                }
            }
            target.resumeAt = iterator.isValid() ? iterator.key() : null;
            if (expired.count() > 0) {
                store.database().write(store.writeOptions(), expired);
            }
        } catch (RocksDBException e) {
            throw store.failure("delete the expired entries of state '" + target.state.name() + "' of", e);
        }
    }
}
