package dev.floe.compaction;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.floe.engine.spi.config.ConfigException;
import dev.floe.engine.spi.config.ConfigFiles;
import dev.floe.engine.spi.service.ServiceDefinition;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code floe compact}: one compaction of one table, now, with its plan printed. */
@Command(
        name = "compact",
        mixinStandardHelpOptions = true,
        description = {
            "Compacts one table now: plans bins of small files (and files with many deletes) per partition,"
                    + " prints the plan, rewrites and commits each bin, and prints what it did.",
            "The table's policy comes from the config's compaction.tables, or Floe's defaults."
        })
public final class CompactCommand implements Callable<Integer> {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "FILE",
            description = "The config file (YAML) whose catalog holds the table")
    Path config;

    @Option(
            names = {"-t", "--table"},
            required = true,
            paramLabel = "NAMESPACE.TABLE",
            description = "The table to compact")
    String table;

    @Option(names = "--dry-run", description = "Print the plan and change nothing")
    boolean dryRun;

    @Option(
            names = "--partition",
            paramLabel = "PATH",
            description = "Only this partition, as its path in the table's layout (region=eu); repeatable")
    List<String> partitions = new ArrayList<>();

    @Option(
            names = "--expire",
            description = "Also expire snapshots, remove orphan files and rewrite manifests per the table's policy")
    boolean expire;

    @Option(names = "--json", description = "Print one JSON document instead of text")
    boolean json;

    @Option(
            names = "--progress",
            negatable = true,
            description = "Show a progress bar on standard error (default: only when it is a terminal and"
                    + " --json is not given)")
    Boolean progress;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CompactionDefinition definition;
        try {
            definition = definition(config);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return EXIT_USAGE;
        }
        CompactionPolicy policy = definition.policy(table);
        Catalog catalog = definition.catalog().load();
        try {
            Table loaded;
            try {
                loaded = catalog.loadTable(TableIdentifier.parse(table));
            } catch (NoSuchTableException e) {
                err.println("Cannot compact table " + table + ": it does not exist in catalog "
                        + definition.catalog().name());
                return EXIT_USAGE;
            }
            Predicate<String> only = partitions.isEmpty() ? partition -> true : partitions::contains;
            Clock clock = Clock.systemUTC();
            TableCompactor compactor = new TableCompactor(loaded, policy, clock);
            RewritePlan plan = compactor.plan(only);
            CompactionResult result = null;
            MaintenanceResult maintenance = null;
            if (!json) {
                printPlan(out, plan);
            }
            if (!dryRun) {
                if (showProgress(plan)) {
                    try (CompactionProgress bar = new CompactionProgress(plan, err)) {
                        result = compactor.execute(plan, bar);
                    }
                } else {
                    result = compactor.execute(plan);
                }
                if (expire) {
                    maintenance = new TableMaintenance(loaded, policy, clock).run();
                }
            }
            if (json) {
                ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                out.println(mapper.writeValueAsString(report(plan, result, maintenance)));
            } else {
                printResult(out, result, maintenance);
            }
            out.flush();
            return result != null && result.failedGroups() > 0 && result.committedGroups() == 0 ? EXIT_FAILURE : 0;
        } finally {
            if (catalog instanceof AutoCloseable) {
                ((AutoCloseable) catalog).close();
            }
        }
    }

    private boolean showProgress(RewritePlan plan) {
        if (plan.isEmpty()) {
            return false;
        }
        if (progress != null) {
            return progress;
        }
        return !json && System.console() != null;
    }

    private static CompactionDefinition definition(Path file) {
        for (ConfigFiles files : ServiceLoader.load(ConfigFiles.class)) {
            for (ServiceDefinition service : files.services(file)) {
                if (service instanceof CompactionDefinition) {
                    return (CompactionDefinition) service;
                }
            }
        }
        throw new IllegalStateException("Cannot read config file " + file
                + ": no config reader with the compaction service is installed (Floe's runtime is missing)");
    }

    private void printPlan(PrintWriter out, RewritePlan plan) {
        out.printf(
                "Plan for %s at snapshot %d: %d groups, %d files, %s%n",
                plan.table(), plan.snapshotId(), plan.groups().size(), plan.inputFiles(), bytes(plan.inputBytes()));
        for (PlannedGroup group : plan.groups()) {
            out.printf(
                    "  %-40s %5d files %10s %4d delete files -> ~%d files%n",
                    group.partition().isEmpty() ? "(unpartitioned)" : group.partition(),
                    group.inputFiles(),
                    bytes(group.inputBytes()),
                    group.deleteFiles(),
                    group.expectedOutputFiles());
        }
        if (plan.deferred() > 0) {
            out.printf("  %d more groups wait for the next run (maxBytesPerRun)%n", plan.deferred());
        }
        if (!plan.skippedPartitions().isEmpty()) {
            out.printf("  left alone: %s%n", String.join(", ", plan.skippedPartitions()));
        }
        if (dryRun) {
            out.println("Dry run: nothing changed.");
        }
    }

    private static void printResult(PrintWriter out, CompactionResult result, MaintenanceResult maintenance) {
        if (result != null) {
            out.printf(
                    "Committed %d of %d groups: %d files (%s) became %d files in %d ms%n",
                    result.committedGroups(),
                    result.groups().size(),
                    result.rewrittenFiles(),
                    bytes(result.rewrittenBytes()),
                    result.addedFiles(),
                    result.durationMillis());
            for (GroupResult group : result.groups()) {
                if (!group.committed()) {
                    out.printf("  not committed: %s: %s%n", group.partition(), group.failure());
                }
            }
        }
        if (maintenance != null) {
            out.printf(
                    "Expired %d snapshots, removed %d orphan files, rewrote %d manifests%n",
                    maintenance.expiredSnapshots(), maintenance.removedOrphans(), maintenance.rewrittenManifests());
        }
    }

    private Map<String, Object> report(RewritePlan plan, CompactionResult result, MaintenanceResult maintenance) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("table", plan.table());
        report.put("snapshotId", plan.snapshotId());
        report.put("dryRun", dryRun);
        List<Map<String, Object>> groups = new ArrayList<>();
        for (PlannedGroup group : plan.groups()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("partition", group.partition());
            entry.put("files", group.inputFiles());
            entry.put("bytes", group.inputBytes());
            entry.put("deleteFiles", group.deleteFiles());
            entry.put("expectedOutputFiles", group.expectedOutputFiles());
            groups.add(entry);
        }
        Map<String, Object> planned = new LinkedHashMap<>();
        planned.put("groups", groups);
        planned.put("files", plan.inputFiles());
        planned.put("bytes", plan.inputBytes());
        planned.put("deferredGroups", plan.deferred());
        planned.put("skippedPartitions", plan.skippedPartitions());
        report.put("plan", planned);
        if (result != null) {
            Map<String, Object> done = new LinkedHashMap<>();
            done.put("committedGroups", result.committedGroups());
            done.put("failedGroups", result.failedGroups());
            done.put("rewrittenFiles", result.rewrittenFiles());
            done.put("rewrittenBytes", result.rewrittenBytes());
            done.put("addedFiles", result.addedFiles());
            done.put("durationMillis", result.durationMillis());
            List<Map<String, Object>> failures = new ArrayList<>();
            for (GroupResult group : result.groups()) {
                if (!group.committed()) {
                    failures.add(Map.of("partition", group.partition(), "reason", group.failure()));
                }
            }
            done.put("failures", failures);
            report.put("result", done);
        }
        if (maintenance != null) {
            report.put(
                    "maintenance",
                    Map.of(
                            "expiredSnapshots", maintenance.expiredSnapshots(),
                            "removedOrphans", maintenance.removedOrphans(),
                            "rewrittenManifests", maintenance.rewrittenManifests()));
        }
        return report;
    }

    private static String bytes(long bytes) {
        if (bytes >= 1024L * 1024) {
            return String.format("%.1f MB", bytes / (1024.0 * 1024));
        }
        if (bytes >= 1024) {
            return String.format("%.1f KB", bytes / 1024.0);
        }
        return bytes + " B";
    }
}
