package dev.floe.engine.state;

import dev.floe.engine.spi.config.DataSize;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.IndexType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.MemoryUsageType;
import org.rocksdb.MemoryUtil;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.StringAppendOperator;
import org.rocksdb.WriteBufferManager;

/**
 * The native resources that the RocksDB backends of one pipeline share, and the options they open
 * their databases with. One block cache of {@code memory} bytes holds data, index and filter
 * blocks, and the write buffers (memtables) of every database are charged to it by one write
 * buffer manager, so the pipeline's keyed state uses about {@code memory} of native memory
 * whatever its size and parallelism.
 *
 * <p>Owned by {@link KeyedStateBackends}. Close order: every backend's database first (each
 * backend closes its own), then this, which closes the options, the write buffer manager and
 * the cache.
 */
final class RocksDbResources implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RocksDbResources.class);
    /** The share of the memory that write buffers may take before the largest is flushed. */
    private static final double WRITE_BUFFER_RATIO = 0.5;
    /** The share of the cache kept for index and filter blocks. */
    private static final double HIGH_PRIORITY_RATIO = 0.1;

    static {
        RocksDB.loadLibrary();
    }

    private final long capacity;
    private final LRUCache cache;
    private final WriteBufferManager writeBuffers;
    private final BloomFilter bloomFilter;
    private final StringAppendOperator listAppend;
    private final DBOptions databaseOptions;
    private final ColumnFamilyOptions columnOptions;
    /** Open databases and their subtasks; guarded by this, so that none closes while it is read. */
    private final Map<RocksDB, Integer> open = new HashMap<>();

    RocksDbResources(DataSize memory, DataSize writeBufferSize) {
        this.capacity = memory.bytes();
        this.cache = new LRUCache(capacity, -1, false, HIGH_PRIORITY_RATIO);
        this.writeBuffers = new WriteBufferManager((long) (capacity * WRITE_BUFFER_RATIO), cache);
        this.bloomFilter = new BloomFilter(10);
        // list elements are self-delimiting, so an add is an append with no separator
        this.listAppend = new StringAppendOperator("");
        this.databaseOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setWriteBufferManager(writeBuffers)
                .setMaxBackgroundJobs(2)
                .setAvoidFlushDuringShutdown(true)
                .setStatsDumpPeriodSec(0)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2)
                .setMaxLogFileSize(1L << 20)
                // every snapshot copies the manifest: keep it small
                .setMaxManifestFileSize(1L << 20);
        // an eighth of the memory at most, so that the write buffer manager (half of it) holds a few
        long writeBuffer = Math.min(writeBufferSize.bytes(), Math.max(1L << 20, capacity / 8));
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(bloomFilter)
                .setBlockSize(16 << 10)
                .setIndexType(IndexType.kBinarySearch)
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setFormatVersion(5);
        this.columnOptions = new ColumnFamilyOptions()
                .setTableFormatConfig(table)
                .setMergeOperator(listAppend)
                .setWriteBufferSize(writeBuffer)
                .setMaxWriteBufferNumber(2)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION)
                .setLevelCompactionDynamicLevelBytes(true)
                .setTargetFileSizeBase(Math.max(writeBuffer, 8L << 20))
                .setMaxBytesForLevelBase(Math.max(4 * writeBuffer, 64L << 20));
    }

    DBOptions databaseOptions() {
        return databaseOptions;
    }

    ColumnFamilyOptions columnOptions() {
        return columnOptions;
    }

    /**
     * @param owner the database's owner as {@link KeyedStateBackends} names it, {@code
     *     <pipeline>-<subtask>}
     */
    synchronized void opened(String owner, RocksDB database) {
        open.put(database, subtask(owner));
    }

    static int subtask(String owner) {
        try {
            return Integer.parseInt(owner.substring(owner.lastIndexOf('-') + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Called before {@code database} closes: a stats read in progress ends first. */
    synchronized void closing(RocksDB database) {
        open.remove(database);
    }

    /**
     * The block cache's figures and each open database's properties now. A subtask with two open
     * databases (one being restored) reports their sum.
     */
    synchronized RocksDbStats stats() {
        Map<Integer, RocksDbStats.Database> databases = new HashMap<>();
        for (Map.Entry<RocksDB, Integer> entry : open.entrySet()) {
            RocksDbStats.Database read = read(entry.getKey());
            databases.merge(entry.getValue(), read, RocksDbResources::sum);
        }
        return new RocksDbStats(capacity, cache.getUsage(), cache.getPinnedUsage(), databases);
    }

    private static RocksDbStats.Database read(RocksDB database) {
        return new RocksDbStats.Database(
                property(database, "rocksdb.cur-size-all-mem-tables"),
                property(database, "rocksdb.num-immutable-mem-table"),
                property(database, "rocksdb.estimate-table-readers-mem"),
                property(database, "rocksdb.estimate-pending-compaction-bytes"),
                property(database, "rocksdb.num-running-compactions"),
                property(database, "rocksdb.num-running-flushes"),
                property(database, "rocksdb.live-sst-files-size"),
                property(database, "rocksdb.estimate-num-keys"));
    }

    /** A property summed over the column families; 0 when RocksDB cannot answer (logged at debug). */
    private static long property(RocksDB database, String name) {
        try {
            return database.getAggregatedLongProperty(name);
        } catch (RocksDBException e) {
            LOG.debug("Cannot read RocksDB property {}: {}", name, e.toString());
            return 0;
        }
    }

    private static RocksDbStats.Database sum(RocksDbStats.Database a, RocksDbStats.Database b) {
        return new RocksDbStats.Database(
                a.memtables() + b.memtables(),
                a.immutableMemtables() + b.immutableMemtables(),
                a.tableReaders() + b.tableReaders(),
                a.pendingCompactionBytes() + b.pendingCompactionBytes(),
                a.runningCompactions() + b.runningCompactions(),
                a.runningFlushes() + b.runningFlushes(),
                a.liveSstBytes() + b.liveSstBytes(),
                a.estimatedKeys() + b.estimatedKeys());
    }

    /** What the pipeline's RocksDB databases use of native memory now. */
    synchronized StateMemory memory() {
        long tableReaders = 0;
        long memtables = 0;
        List<RocksDB> databases = List.copyOf(open.keySet());
        if (!databases.isEmpty()) {
            Map<MemoryUsageType, Long> usage = MemoryUtil.getApproximateMemoryUsageByType(databases, Set.of(cache));
            tableReaders = usage.getOrDefault(MemoryUsageType.kTableReadersTotal, 0L);
            memtables = usage.getOrDefault(MemoryUsageType.kMemTableTotal, 0L);
        }
        // the write buffers are charged to the cache: its usage covers them
        return new StateMemory(capacity, cache.getUsage() + tableReaders, memtables, cache.getPinnedUsage());
    }

    @Override
    public void close() {
        columnOptions.close();
        databaseOptions.close();
        listAppend.close();
        bloomFilter.close();
        writeBuffers.close();
        cache.close();
    }
}
