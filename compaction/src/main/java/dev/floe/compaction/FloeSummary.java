package dev.floe.compaction;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * The {@code floe.*} snapshot summary that Floe's pipelines commit with (pipeline, checkpoint id,
 * offsets). A snapshot that rewrites a table behind Floe carries the newest one forward, so a
 * pipeline that restarts finds its marker on the table's current history.
 */
final class FloeSummary {
    static final String PREFIX = "floe.";
    static final String PIPELINE = "floe.pipeline";

    private FloeSummary() {}

    /**
     * The {@code floe.*} properties of the newest snapshot at or before {@code snapshot} that has
     * them; empty when no Floe commit is in the history.
     */
    static Map<String, String> newest(Table table, Snapshot snapshot) {
        for (Snapshot current = snapshot;
                current != null;
                current = current.parentId() == null ? null : table.snapshot(current.parentId())) {
            if (current.summary().containsKey(PIPELINE)) {
                Map<String, String> floe = new LinkedHashMap<>();
                current.summary().forEach((key, value) -> {
                    if (key.startsWith(PREFIX)) {
                        floe.put(key, value);
                    }
                });
                return floe;
            }
        }
        return Map.of();
    }
}
