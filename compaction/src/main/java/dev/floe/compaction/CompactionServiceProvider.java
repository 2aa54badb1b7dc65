package dev.floe.compaction;

import dev.floe.engine.spi.config.ConfigOption;
import dev.floe.engine.spi.config.ConfigSection;
import dev.floe.engine.spi.config.DataSize;
import dev.floe.engine.spi.service.ServiceDefinition;
import dev.floe.engine.spi.service.ServiceProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The compactor as a service of {@code floe run}, found with {@link java.util.ServiceLoader}. */
public final class CompactionServiceProvider implements ServiceProvider {
    @Override
    public List<ConfigOption<?>> rootOptions() {
        return List.of(CompactionOptions.COMPACTION_SECTION);
    }

    @Override
    public ServiceDefinition configure(ConfigSection root) {
        ConfigSection section = root.get(CompactionOptions.COMPACTION_SECTION);
        CatalogSettings catalog = CatalogSettings.from(root);
        boolean enabled = section.get(CompactionOptions.ENABLED);
        if (catalog == null) {
            if (enabled) {
                section.problem(CompactionOptions.ENABLED, "compaction needs a catalog section (the Iceberg sink's)");
            }
            catalog = new CatalogSettings("none", "none", null, null, Map.of());
        }
        Map<String, CompactionPolicy> tables = new LinkedHashMap<>();
        for (ConfigSection table : section.get(CompactionOptions.TABLES)) {
            String name = table.get(CompactionOptions.TABLE);
            CompactionPolicy policy = policy(table);
            if (name == null || policy == null) {
                continue;
            }
            if (tables.put(name, policy) != null) {
                table.problem(CompactionOptions.TABLE, "table '" + name + "' has two policies");
            }
        }
        if (enabled && tables.isEmpty()) {
            section.problem(CompactionOptions.TABLES, "enabled compaction needs at least one table");
        }
        return new CompactionDefinition(
                catalog,
                enabled,
                section.get(CompactionOptions.CHECK_INTERVAL),
                section.get(CompactionOptions.EXPIRE_SNAPSHOTS),
                tables);
    }

    /** The table's policy, or null when its section has problems (reported on it). */
    static CompactionPolicy policy(ConfigSection table) {
        long target = table.get(CompactionOptions.TARGET_FILE_SIZE).bytes();
        DataSize small = table.get(CompactionOptions.SMALL_FILE_SIZE);
        long smallBytes = small == null ? target * 3 / 4 : small.bytes();
        if (smallBytes > target || smallBytes <= 0) {
            table.problem(
                    CompactionOptions.SMALL_FILE_SIZE,
                    "smallFileSize (" + smallBytes + " bytes) must be positive and at most targetFileSize (" + target
                            + " bytes)");
            return null;
        }
        DataSize triggerBytes = table.get(CompactionOptions.TRIGGER_SMALL_BYTES);
        return new CompactionPolicy(
                target,
                smallBytes,
                table.get(CompactionOptions.MIN_INPUT_FILES),
                table.get(CompactionOptions.DELETE_FILE_THRESHOLD),
                table.get(CompactionOptions.TRIGGER_SMALL_FILES),
                table.get(CompactionOptions.TRIGGER_DELETE_FILE_PERCENT) / 100.0,
                triggerBytes == null ? 0 : triggerBytes.bytes(),
                table.get(CompactionOptions.TRIGGER_INTERVAL),
                table.get(CompactionOptions.MAX_CONCURRENT_REWRITES),
                table.get(CompactionOptions.MAX_BYTES_PER_RUN).bytes(),
                table.get(CompactionOptions.SKIP_PARTITIONS),
                table.get(CompactionOptions.SKIP_PARTITIONS_WRITTEN_WITHIN),
                table.get(CompactionOptions.SNAPSHOT_RETENTION),
                table.get(CompactionOptions.MIN_SNAPSHOTS),
                table.get(CompactionOptions.ORPHAN_AGE),
                table.get(CompactionOptions.MAX_MANIFESTS),
                table.get(CompactionOptions.SMALL_MANIFEST_SIZE).bytes());
    }
}
