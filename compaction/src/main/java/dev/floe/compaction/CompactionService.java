package dev.floe.compaction;

import dev.floe.engine.spi.service.BackgroundService;
import dev.floe.engine.spi.service.CompactionInProgressException;
import dev.floe.engine.spi.service.CompactionRequest;
import dev.floe.engine.spi.service.CompactionRun;
import dev.floe.engine.spi.service.FileSizeDistribution;
import dev.floe.engine.spi.service.TableCompactions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compactor of {@code floe run}: on its interval it checks each configured table's triggers
 * and runs a compaction (then maintenance) where one fires; the HTTP API asks for runs on request
 * through {@link TableCompactions}. Background runs go one table at a time on the service's
 * thread; a table has at most one run at a time, whoever asked. A failure is logged and kept in
 * the table's history, and the next check tries again.
 */
final class CompactionService implements BackgroundService, TableCompactions {
    private static final Logger LOG = LoggerFactory.getLogger(CompactionService.class);
    /** The trigger of a run asked for through the API. */
    static final String REQUESTED = "request";

    private final CompactionDefinition definition;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Long> lastRuns = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> running = new ConcurrentHashMap<>();
    private final CompactionHistory history = new CompactionHistory();
    private final FileSizeCensus census = new FileSizeCensus();
    private final AtomicLong runs = new AtomicLong();
    private final Object catalogLock = new Object();
    private Catalog catalog;
    private boolean closed;

    private CompactionService(CompactionDefinition definition, Clock clock) {
        this.definition = definition;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "floe-compactor");
            thread.setDaemon(true);
            return thread;
        });
    }

    static CompactionService start(CompactionDefinition definition, Clock clock) {
        CompactionService service = new CompactionService(definition, clock);
        long interval = definition.checkInterval().toMillis();
        service.scheduler.scheduleWithFixedDelay(service::check, interval, interval, TimeUnit.MILLISECONDS);
        return service;
    }

    private void check() {
        for (Map.Entry<String, CompactionPolicy> entry : definition.tables().entrySet()) {
            String name = entry.getKey();
            try {
                checkTable(name, entry.getValue());
            } catch (RuntimeException e) {
                LOG.warn("Cannot compact table {}: {}", name, e.toString(), e);
            }
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    private void checkTable(String name, CompactionPolicy policy) {
        ReentrantLock lock = lock(name);
        if (!lock.tryLock()) {
            LOG.info("Skipped the compaction check of table {}: a requested run is in progress", name);
            return;
        }
        try {
            Catalog tables = catalog();
            TableIdentifier identifier = TableIdentifier.parse(name);
            if (!tables.tableExists(identifier)) {
                return;
            }
            Table table = tables.loadTable(identifier);
            Optional<String> due =
                    CompactionTrigger.due(table, policy, lastRuns.getOrDefault(name, -1L), clock.millis());
            if (due.isEmpty()) {
                return;
            }
            LOG.info("Compacting table {}: {}", name, due.get());
            run(name, table, policy, due.get(), partition -> true);
            if (definition.maintenance()) {
                new TableMaintenance(table, policy, clock).run();
            }
            lastRuns.put(name, clock.millis());
        } finally {
            lock.unlock();
        }
    }

    /** Plans and executes one run on a table whose lock the caller holds, and records it. */
    private CompactionRun run(
            String name, Table table, CompactionPolicy policy, String trigger, Predicate<String> partitions) {
        long started = clock.millis();
        long filesBefore = CompactionRuns.dataFiles(table);
        try {
            TableCompactor compactor = new TableCompactor(table, policy, clock);
            CompactionResult result = compactor.execute(compactor.plan(partitions));
            table.refresh();
            CompactionRun run = CompactionRuns.of(
                    name,
                    result,
                    trigger,
                    started,
                    filesBefore,
                    CompactionRuns.dataFiles(table),
                    clock.millis() - started);
            history.add(run);
            runs.incrementAndGet();
            return run;
        } catch (RuntimeException e) {
            history.add(
                    CompactionRuns.failed(name, trigger, started, filesBefore, clock.millis() - started, e.toString()));
            throw e;
        }
    }

    @Override
    public Optional<TableCompactions> tableCompactions() {
        return Optional.of(this);
    }

    @Override
    public List<String> tables() {
        return List.copyOf(definition.tables().keySet());
    }

    @Override
    public CompactionRun compactNow(String name, CompactionRequest request) {
        CompactionPolicy policy = definition.tables().get(name);
        if (policy == null) {
            throw new IllegalArgumentException(
                    "Cannot compact table " + name + ": the compactor keeps only " + tables());
        }
        ReentrantLock lock = lock(name);
        if (!lock.tryLock()) {
            throw new CompactionInProgressException(
                    "Cannot compact table " + name + ": a run on it is in progress; ask again when it ends");
        }
        try {
            Table table = loadTable(name);
            Predicate<String> partitions =
                    request.onlyPartitions().isEmpty() ? partition -> true : request.onlyPartitions()::contains;
            if (request.dryRun()) {
                long started = clock.millis();
                RewritePlan plan = new TableCompactor(table, policy, clock).plan(partitions);
                return CompactionRuns.planned(
                        name, plan, REQUESTED, started, CompactionRuns.dataFiles(table), clock.millis() - started);
            }
            LOG.info("Compacting table {}: requested through the API", name);
            CompactionRun run = run(name, table, policy, REQUESTED, partitions);
            lastRuns.put(name, clock.millis());
            return run;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<CompactionRun> recentRuns(String table) {
        return history.recent(table);
    }

    @Override
    public Optional<FileSizeDistribution> fileSizes(String name) {
        if (!definition.tables().containsKey(name)) {
            return Optional.empty();
        }
        Catalog tables = catalog();
        TableIdentifier identifier = TableIdentifier.parse(name);
        if (!tables.tableExists(identifier)) {
            return Optional.empty();
        }
        return census.of(name, tables.loadTable(identifier));
    }

    private Table loadTable(String name) {
        TableIdentifier identifier = TableIdentifier.parse(name);
        Catalog tables = catalog();
        if (!tables.tableExists(identifier)) {
            throw new IllegalArgumentException("Cannot compact table " + name + ": catalog "
                    + definition.catalog().name() + " has no such table");
        }
        return tables.loadTable(identifier);
    }

    ReentrantLock lock(String table) {
        return running.computeIfAbsent(table, name -> new ReentrantLock());
    }

    /** The catalog, connected on first use by whichever thread needs it first. */
    private Catalog catalog() {
        synchronized (catalogLock) {
            if (catalog == null) {
                catalog = definition.catalog().load();
            }
            return catalog;
        }
    }

    /** Runs so far, over every table. */
    long runs() {
        return runs.get();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // a run in progress finishes its commits: interrupting one would leave its outcome unknown
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("The compactor did not finish its run within 60 s; interrupting it");
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (catalogLock) {
            if (catalog instanceof AutoCloseable) {
                try {
                    ((AutoCloseable) catalog).close();
                } catch (Exception e) {
                    LOG.warn("Cannot close the compactor's catalog: {}", e.toString());
                }
            }
        }
    }
}
