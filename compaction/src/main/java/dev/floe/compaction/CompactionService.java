package dev.floe.compaction;

import dev.floe.engine.spi.service.BackgroundService;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background compactor of {@code floe run}: on its interval it checks each configured table's
 * triggers and runs a compaction (then maintenance) where one fires. Tables are compacted one at a
 * time on the service's thread; a failure is logged for its table and the next check tries again.
 */
final class CompactionService implements BackgroundService {
    private static final Logger LOG = LoggerFactory.getLogger(CompactionService.class);

    private final CompactionDefinition definition;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Long> lastRuns = new HashMap<>();
    private final AtomicLong runs = new AtomicLong();
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
        if (catalog == null) {
            catalog = definition.catalog().load();
        }
        TableIdentifier identifier = TableIdentifier.parse(name);
        if (!catalog.tableExists(identifier)) {
            return;
        }
        Table table = catalog.loadTable(identifier);
        long now = clock.millis();
        Optional<String> due = CompactionTrigger.due(table, policy, lastRuns.getOrDefault(name, -1L), now);
        if (due.isEmpty()) {
            return;
        }
        LOG.info("Compacting table {}: {}", name, due.get());
        TableCompactor compactor = new TableCompactor(table, policy, clock);
        compactor.execute(compactor.plan(partition -> true));
        if (definition.maintenance()) {
            new TableMaintenance(table, policy, clock).run();
        }
        lastRuns.put(name, clock.millis());
        runs.incrementAndGet();
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
        if (catalog instanceof AutoCloseable) {
            try {
                ((AutoCloseable) catalog).close();
            } catch (Exception e) {
                LOG.warn("Cannot close the compactor's catalog: {}", e.toString());
            }
        }
    }
}
