package dev.floe.compaction;

import dev.floe.engine.spi.service.BackgroundService;
import dev.floe.engine.spi.service.ServiceDefinition;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The compaction section as configured: the catalog, the tables the background compactor keeps,
 * and each one's policy.
 *
 * @param catalog the catalog the tables live in
 * @param background whether {@code floe run} runs the compactor
 * @param checkInterval how often the background compactor checks the triggers
 * @param maintenance whether the background compactor also expires snapshots, removes orphans and
 *     rewrites manifests
 * @param tables each maintained table's policy, by name
 */
public record CompactionDefinition(
        CatalogSettings catalog,
        boolean background,
        Duration checkInterval,
        boolean maintenance,
        Map<String, CompactionPolicy> tables)
        implements ServiceDefinition {
    public CompactionDefinition {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(checkInterval, "checkInterval");
        tables = Map.copyOf(new LinkedHashMap<>(tables));
    }

    /** The table's configured policy, or Floe's defaults for a table the section does not list. */
    public CompactionPolicy policy(String table) {
        return tables.getOrDefault(table, CompactionPolicy.defaults());
    }

    @Override
    public String describe() {
        return "compaction of " + tables.keySet() + " every " + checkInterval.toMillis() + " ms";
    }

    @Override
    public boolean runsInBackground() {
        return background && !tables.isEmpty();
    }

    @Override
    public BackgroundService start(Clock clock) {
        return CompactionService.start(this, clock);
    }
}
