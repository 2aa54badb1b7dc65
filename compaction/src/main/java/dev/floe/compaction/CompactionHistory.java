package dev.floe.compaction;

import dev.floe.engine.spi.service.CompactionRun;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The recent runs per table, bounded: the oldest run of a table is forgotten past the limit. */
final class CompactionHistory {
    /** Runs kept per table. */
    static final int RUNS_PER_TABLE = 20;

    private final Map<String, Deque<CompactionRun>> runs = new HashMap<>();

    synchronized void add(CompactionRun run) {
        Deque<CompactionRun> table = runs.computeIfAbsent(run.table(), name -> new ArrayDeque<>());
        table.addFirst(run);
        while (table.size() > RUNS_PER_TABLE) {
            table.removeLast();
        }
    }

    /** The table's runs, newest first. */
    synchronized List<CompactionRun> recent(String table) {
        Deque<CompactionRun> kept = runs.get(table);
        return kept == null ? List.of() : new ArrayList<>(kept);
    }
}
