package dev.floe.deploy.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.engine.cli.DurationConverter;
import dev.floe.engine.cli.FloeCli;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.spi.config.ConfigException;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.iceberg.DeadLetterTable;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code floe audit}: proves from each table's snapshot history that the table holds every source
 * offset between the first and the last one Floe committed exactly once (see {@link
 * LineageCheck}), and with {@code --dead-letters} that every covered offset without a row is in
 * the pipeline's dead-letter topic. Exit codes: 0 clean, 1 findings (or a table that cannot be
 * read), 2 bad usage or config.
 */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = {
            "Checks each table's Floe commits: per source partition the committed offset ranges follow each",
            "other without gap or overlap, checkpoint ids increase, and (--dead-letters) every covered offset",
            "without a row was dead-lettered. Exit 0 when clean, 1 with findings, 2 on bad usage."
        })
public final class AuditCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Floe's config file")
    Path config;

    @Option(names = "--pipeline", paramLabel = "ID", description = "Audit only this pipeline's tables")
    String pipeline;

    @Option(names = "--table", paramLabel = "NAMESPACE.TABLE", description = "Audit only this table")
    String table;

    @Option(
            names = "--dead-letters",
            description = {
                "Also read Kafka: every covered offset without a row must be in the pipeline's dead-letter",
                "topic (counted per partition; a pipeline that filters or routes rows elsewhere fails this)"
            })
    boolean deadLetters;

    @Option(
            names = "--kafka-timeout",
            defaultValue = "60s",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "The longest wait for each Kafka request with --dead-letters (default: ${DEFAULT-VALUE})")
    Duration kafkaTimeout;

    @Option(names = "--json", description = "Print the report as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        FloeConfig floeConfig;
        try {
            floeConfig = ConfiguredTables.load(config);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return FloeCli.EXIT_USAGE;
        } catch (IOException e) {
            spec.commandLine().getErr().println("Cannot read config " + config + ": " + e);
            return FloeCli.EXIT_USAGE;
        }
        List<TableAudit> audits = new ArrayList<>();
        for (ConfiguredTables candidate : ConfiguredTables.of(floeConfig)) {
            if (pipeline != null && !candidate.pipeline().id().equals(pipeline)) {
                continue;
            }
            Catalog catalog = candidate.tables().catalog().load();
            try {
                for (String name : candidate.tableNames(catalog)) {
                    if (table == null || table.equals(name)) {
                        audits.add(audit(floeConfig, candidate, catalog, name));
                    }
                }
            } finally {
                ConfiguredTables.closeQuietly(catalog);
            }
        }
        if (audits.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .println("floe audit: no Iceberg table of " + config
                            + (pipeline == null ? "" : " for pipeline " + pipeline)
                            + (table == null ? "" : " named " + table));
            return FloeCli.EXIT_USAGE;
        }
        int findings =
                audits.stream().mapToInt(audit -> audit.findings().size()).sum();
        if (json) {
            out.println(json(audits, findings));
        } else {
            print(out, audits, findings);
        }
        out.flush();
        return findings == 0 ? 0 : FloeCli.EXIT_FAILURE;
    }

    /**
     * One table's audit.
     *
     * @param table the table
     * @param pipeline the pipeline whose commits were checked
     * @param snapshots the ancestors of the current snapshot read
     * @param commits the pipeline's commits among them
     * @param coverage what the commits cover, per source partition
     * @param deadLettered with --dead-letters, per partition the covered offsets in the dead-letter topic
     * @param findings what is wrong
     */
    record TableAudit(
            String table,
            String pipeline,
            int snapshots,
            int commits,
            Map<SourcePartition, LineageCheck.PartitionCoverage> coverage,
            Map<SourcePartition, Long> deadLettered,
            List<Finding> findings) {}

    private TableAudit audit(FloeConfig floeConfig, ConfiguredTables target, Catalog catalog, String name) {
        String pipelineId = target.pipeline().id();
        Table loaded;
        try {
            loaded = catalog.loadTable(TableIdentifier.parse(name));
        } catch (NoSuchTableException e) {
            return new TableAudit(
                    name,
                    pipelineId,
                    0,
                    0,
                    Map.of(),
                    Map.of(),
                    List.of(new Finding(
                            Finding.Kind.NO_COMMITS, name, null, -1, -1, -1, "table " + name + " does not exist")));
        }
        CommitHistory history = CommitHistory.read(name, loaded, target.tables().pipelineIds());
        LineageCheck.Result result = LineageCheck.check(name, history.commits());
        List<Finding> findings = new ArrayList<>(history.unreadable());
        findings.addAll(result.findings());
        if (history.commits().isEmpty()) {
            findings.add(new Finding(
                    Finding.Kind.NO_COMMITS,
                    name,
                    null,
                    -1,
                    -1,
                    -1,
                    "table " + name + " holds no commit of pipeline " + pipelineId + " with lineage (floe.ranges)"));
        }
        Map<SourcePartition, Long> deadLettered = Map.of();
        if (deadLetters && !result.coverage().isEmpty()) {
            deadLettered = accountForMissingRows(floeConfig, target, name, result, findings);
        }
        return new TableAudit(
                name,
                pipelineId,
                history.snapshots(),
                history.commits().size(),
                result.coverage(),
                deadLettered,
                findings);
    }

    /**
     * Per partition: the records Kafka holds in the covered range must be the table's rows plus the
     * dead-lettered offsets among them. Counting records (not offsets) leaves out offsets that
     * transaction markers and aborted records take.
     */
    private static Map<SourcePartition, Set<Long>> deadLetteredToTable(ConfiguredTables target, String table) {
        Catalog catalog = target.tables().catalog().load();
        try {
            return DeadLetterTable.deadLettered(catalog, table, target.tables().pipelineIds());
        } finally {
            if (catalog instanceof Closeable closeable) {
                try {
                    closeable.close();
                } catch (IOException e) {
                    // read already; nothing of the audit depends on closing
                }
            }
        }
    }

    private static String deadLetterDestination(ConfiguredTables target) {
        String table = target.pipeline().deadLetterTable();
        return table == null ? target.pipeline().deadLetterTopic() : "dead-letter table " + table;
    }

    private Map<SourcePartition, Long> accountForMissingRows(
            FloeConfig floeConfig,
            ConfiguredTables target,
            String name,
            LineageCheck.Result result,
            List<Finding> findings) {
        Map<SourcePartition, Long> counted = new TreeMap<>();
        try (KafkaOffsets kafka = new KafkaOffsets(floeConfig.kafka(), kafkaTimeout)) {
            String table = target.pipeline().deadLetterTable();
            Map<SourcePartition, Set<Long>> letters = table == null
                    ? kafka.deadLettered(
                            target.pipeline().deadLetterTopic(), target.tables().pipelineIds())
                    : deadLetteredToTable(target, table);
            Map<SourcePartition, Long> beginnings =
                    kafka.beginningOffsets(result.coverage().keySet());
            result.coverage().forEach((partition, covered) -> {
                long inRange = letters.getOrDefault(partition, Set.of()).stream()
                        .filter(offset -> offset >= covered.from() && offset < covered.to())
                        .count();
                counted.put(partition, inRange);
                if (beginnings.getOrDefault(partition, 0L) > covered.from()) {
                    findings.add(new Finding(
                            Finding.Kind.UNACCOUNTED,
                            name,
                            partition,
                            covered.from(),
                            beginnings.get(partition),
                            -1,
                            "cannot account for offsets [" + covered.from() + ", " + beginnings.get(partition) + ") of "
                                    + partition + ": Kafka no longer holds them (retention)"));
                    return;
                }
                long records = kafka.records(partition, covered.from(), covered.to());
                long unaccounted = records - covered.rows() - inRange;
                if (unaccounted != 0) {
                    findings.add(new Finding(
                            Finding.Kind.UNACCOUNTED,
                            name,
                            partition,
                            covered.from(),
                            covered.to(),
                            -1,
                            "offsets [" + covered.from() + ", " + covered.to() + ") of " + partition + " hold "
                                    + records
                                    + " records in Kafka, but the table has " + covered.rows() + " rows of them and "
                                    + deadLetterDestination(target) + " " + inRange + " dead letters"));
                }
            });
        }
        return counted;
    }

    private static void print(PrintWriter out, List<TableAudit> audits, int findings) {
        for (TableAudit audit : audits) {
            out.printf(
                    "Table %s (pipeline %s): %d snapshots, %d Floe commits%n",
                    audit.table(), audit.pipeline(), audit.snapshots(), audit.commits());
            audit.coverage()
                    .forEach((partition, covered) -> out.printf(
                            "  %-30s offsets [%d, %d) in %d commits: %d rows, %d offsets without a row%s%n",
                            partition,
                            covered.from(),
                            covered.to(),
                            covered.commits(),
                            covered.rows(),
                            covered.withoutRows(),
                            audit.deadLettered().containsKey(partition)
                                    ? ", " + audit.deadLettered().get(partition) + " dead-lettered"
                                    : ""));
            for (Finding finding : audit.findings()) {
                out.println("  " + finding.kind() + ": " + finding.message());
            }
        }
        out.println(
                findings == 0
                        ? "Audit clean: " + audits.size() + " table(s), no gap, overlap or other finding"
                        : "Audit found " + findings + " problem(s) in " + audits.size() + " table(s)");
    }

    private static String json(List<TableAudit> audits, int findings) {
        ObjectNode root = JSON.createObjectNode();
        root.put("clean", findings == 0);
        root.put("findings", findings);
        ArrayNode tables = root.putArray("tables");
        for (TableAudit audit : audits) {
            ObjectNode node = tables.addObject();
            node.put("table", audit.table());
            node.put("pipeline", audit.pipeline());
            node.put("snapshots", audit.snapshots());
            node.put("commits", audit.commits());
            ArrayNode partitions = node.putArray("partitions");
            audit.coverage().forEach((partition, covered) -> {
                ObjectNode entry = partitions.addObject();
                entry.put("topic", partition.topic());
                entry.put("partition", partition.partition());
                entry.put("from", covered.from());
                entry.put("to", covered.to());
                entry.put("commits", covered.commits());
                entry.put("rows", covered.rows());
                entry.put("withoutRows", covered.withoutRows());
                if (audit.deadLettered().containsKey(partition)) {
                    entry.put("deadLettered", audit.deadLettered().get(partition));
                }
            });
            ArrayNode list = node.putArray("findings");
            for (Finding finding : audit.findings()) {
                ObjectNode entry = list.addObject();
                entry.put("kind", finding.kind().name());
                entry.put("table", finding.table());
                if (finding.partition() != null) {
                    entry.put("topic", finding.partition().topic());
                    entry.put("partition", finding.partition().partition());
                }
                if (finding.from() >= 0) {
                    entry.put("from", finding.from());
                    entry.put("to", finding.to());
                }
                if (finding.snapshotId() >= 0) {
                    entry.put("snapshotId", finding.snapshotId());
                }
                entry.put("message", finding.message());
            }
        }
        return root.toString();
    }
}
