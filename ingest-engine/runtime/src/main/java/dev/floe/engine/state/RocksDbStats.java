package dev.floe.engine.state;

import java.util.Map;

/**
 * What a pipeline's RocksDB state is doing, as plain numbers for metrics: the shared block cache,
 * and each open database's memory and compaction figures (RocksDB's {@code rocksdb.*} properties,
 * summed over the database's column families).
 *
 * @param blockCacheCapacity the block cache's size ({@code state.memory})
 * @param blockCacheUsage bytes in the block cache, write buffers charged to it included
 * @param blockCachePinned of which pinned (open iterators, level-0 index and filter blocks)
 * @param databases each open database by its owner's subtask
 */
public record RocksDbStats(
        long blockCacheCapacity, long blockCacheUsage, long blockCachePinned, Map<Integer, Database> databases) {
    /** No RocksDB state (the heap backend, or a pipeline without keyed state). */
    public static final RocksDbStats NONE = new RocksDbStats(0, 0, 0, Map.of());

    public RocksDbStats {
        databases = Map.copyOf(databases);
    }

    /**
     * One database's figures.
     *
     * @param memtables {@code rocksdb.cur-size-all-mem-tables}: active and immutable memtables
     * @param immutableMemtables {@code rocksdb.num-immutable-mem-table}: memtables waiting to flush
     * @param tableReaders {@code rocksdb.estimate-table-readers-mem}: index and filter blocks held
     *     outside the block cache
     * @param pendingCompactionBytes {@code rocksdb.estimate-pending-compaction-bytes}
     * @param runningCompactions {@code rocksdb.num-running-compactions}
     * @param runningFlushes {@code rocksdb.num-running-flushes}
     * @param liveSstBytes {@code rocksdb.live-sst-files-size}
     * @param estimatedKeys {@code rocksdb.estimate-num-keys}
     */
    public record Database(
            long memtables,
            long immutableMemtables,
            long tableReaders,
            long pendingCompactionBytes,
            long runningCompactions,
            long runningFlushes,
            long liveSstBytes,
            long estimatedKeys) {}
}
