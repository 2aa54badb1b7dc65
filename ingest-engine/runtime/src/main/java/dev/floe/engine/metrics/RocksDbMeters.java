package dev.floe.engine.metrics;

import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.pipeline.PipelineSupervisor;
import dev.floe.engine.state.RocksDbStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The RocksDB state's native memory and compaction figures, read from each running pipeline's
 * state backend at scrape time: the shared block cache per pipeline, the rest per keyed subtask.
 * A pipeline without RocksDB state has no rows.
 */
final class RocksDbMeters {
    private final MultiGauge cacheCapacity;
    private final MultiGauge cacheUsage;
    private final MultiGauge cachePinned;
    private final Map<MultiGauge, ToLongFunction<RocksDbStats.Database>> perDatabase = new LinkedHashMap<>();

    RocksDbMeters(MeterRegistry registry) {
        cacheCapacity =
                bytes(registry, "floe.state.rocksdb.block.cache.capacity", "The block cache's size (state.memory)");
        cacheUsage = bytes(
                registry,
                "floe.state.rocksdb.block.cache.usage",
                "Bytes in the pipeline's block cache, the memtables charged to it included");
        cachePinned = bytes(
                registry,
                "floe.state.rocksdb.block.cache.pinned",
                "Bytes of the block cache pinned by open iterators and level-0 index and filter blocks");
        perDatabase.put(
                bytes(
                        registry,
                        "floe.state.rocksdb.memtables",
                        "Active and immutable memtables (rocksdb.cur-size-all-mem-tables)"),
                RocksDbStats.Database::memtables);
        perDatabase.put(
                count(
                        registry,
                        "floe.state.rocksdb.immutable.memtables",
                        "Memtables waiting to be flushed (rocksdb.num-immutable-mem-table)"),
                RocksDbStats.Database::immutableMemtables);
        perDatabase.put(
                bytes(
                        registry,
                        "floe.state.rocksdb.table.readers",
                        "Index and filter blocks held outside the block cache (rocksdb.estimate-table-readers-mem)"),
                RocksDbStats.Database::tableReaders);
        perDatabase.put(
                bytes(
                        registry,
                        "floe.state.rocksdb.pending.compaction",
                        "Bytes compaction must rewrite to settle the levels (rocksdb.estimate-pending-compaction-bytes)"),
                RocksDbStats.Database::pendingCompactionBytes);
        perDatabase.put(
                count(
                        registry,
                        "floe.state.rocksdb.running.compactions",
                        "Compactions running (rocksdb.num-running-compactions)"),
                RocksDbStats.Database::runningCompactions);
        perDatabase.put(
                count(registry, "floe.state.rocksdb.running.flushes", "Flushes running (rocksdb.num-running-flushes)"),
                RocksDbStats.Database::runningFlushes);
        perDatabase.put(
                bytes(
                        registry,
                        "floe.state.rocksdb.sst.files",
                        "Bytes of the live SST files (rocksdb.live-sst-files-size)"),
                RocksDbStats.Database::liveSstBytes);
        perDatabase.put(
                count(
                        registry,
                        "floe.state.rocksdb.estimated.keys",
                        "Keys in the state, estimated (rocksdb.estimate-num-keys)"),
                RocksDbStats.Database::estimatedKeys);
    }

    private static MultiGauge bytes(MeterRegistry registry, String name, String description) {
        return MultiGauge.builder(name)
                .description(description)
                .baseUnit("bytes")
                .register(registry);
    }

    private static MultiGauge count(MeterRegistry registry, String name, String description) {
        return MultiGauge.builder(name).description(description).register(registry);
    }

    /** Reads every running pipeline's figures now and replaces the rows. */
    void refresh(List<PipelineSupervisor> supervisors) {
        List<MultiGauge.Row<?>> capacity = new ArrayList<>();
        List<MultiGauge.Row<?>> usage = new ArrayList<>();
        List<MultiGauge.Row<?>> pinned = new ArrayList<>();
        Map<MultiGauge, List<MultiGauge.Row<?>>> rows = new LinkedHashMap<>();
        perDatabase.keySet().forEach(gauge -> rows.put(gauge, new ArrayList<>()));
        for (PipelineSupervisor supervisor : supervisors) {
            Pipeline pipeline = supervisor.current();
            RocksDbStats stats = pipeline == null ? RocksDbStats.NONE : pipeline.rocksDbStats();
            if (stats.blockCacheCapacity() == 0) {
                continue;
            }
            Tags tags = Tags.of("pipeline", supervisor.id());
            capacity.add(MultiGauge.Row.of(tags, stats.blockCacheCapacity()));
            usage.add(MultiGauge.Row.of(tags, stats.blockCacheUsage()));
            pinned.add(MultiGauge.Row.of(tags, stats.blockCachePinned()));
            for (Map.Entry<Integer, RocksDbStats.Database> database :
                    stats.databases().entrySet()) {
                Tags subtask = tags.and("operator", "keyed", "subtask", Integer.toString(database.getKey()));
                perDatabase.forEach((gauge, value) ->
                        rows.get(gauge).add(MultiGauge.Row.of(subtask, value.applyAsLong(database.getValue()))));
            }
        }
        cacheCapacity.register(capacity, true);
        cacheUsage.register(usage, true);
        cachePinned.register(pinned, true);
        rows.forEach((gauge, gaugeRows) -> gauge.register(gaugeRows, true));
    }
}
