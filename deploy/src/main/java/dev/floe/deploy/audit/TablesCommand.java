package dev.floe.deploy.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.engine.cli.DurationConverter;
import dev.floe.engine.cli.FloeCli;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.spi.config.ConfigException;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.iceberg.SnapshotMarkers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code floe tables}: per table of the config's pipelines, whether it exists, its current snapshot,
 * rows, data files and size from the snapshot summary, and the pipeline's last commit with its
 * offsets and, when Kafka answers, the lag behind the partitions' end offsets.
 */
@Command(
        name = "tables",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the tables of the config's pipelines: current snapshot, rows, files, size, and the last",
            "Floe commit with its offsets and lag behind Kafka. Exit 0, or 1 when a catalog cannot be read,",
            "2 on bad usage."
        })
public final class TablesCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TablesCommand.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Floe's config file")
    Path config;

    @Option(
            names = "--kafka-timeout",
            defaultValue = "10s",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "The longest wait for Kafka's end offsets; lag is left out when it passes (default:"
                    + " ${DEFAULT-VALUE})")
    Duration kafkaTimeout;

    @Option(names = "--json", description = "Print the tables as JSON")
    boolean json;

    /**
     * One table as the command reports it.
     *
     * @param pipeline the pipeline that writes it
     * @param table its name
     * @param current its current snapshot, or null when it does not exist or is empty
     * @param exists whether it exists
     * @param lastCommit the pipeline's newest commit to it, or null
     * @param lastCommitSnapshot that commit's snapshot, or null when only a tag of an expired one is known
     */
    record TableState(
            String pipeline,
            String table,
            boolean exists,
            Snapshot current,
            CommittedPosition lastCommit,
            Snapshot lastCommitSnapshot) {}

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
        List<TableState> states = new ArrayList<>();
        for (ConfiguredTables target : ConfiguredTables.of(floeConfig)) {
            Catalog catalog = target.tables().catalog().load();
            try {
                for (String name : target.tableNames(catalog)) {
                    states.add(state(catalog, target, name));
                }
            } finally {
                ConfiguredTables.closeQuietly(catalog);
            }
        }
        Set<SourcePartition> partitions = new HashSet<>();
        states.stream()
                .filter(state -> state.lastCommit() != null)
                .forEach(state ->
                        partitions.addAll(state.lastCommit().offsets().asMap().keySet()));
        Optional<Map<SourcePartition, Long>> ends = endOffsets(floeConfig, partitions);
        if (json) {
            out.println(json(states, ends));
        } else {
            print(out, states, ends);
        }
        out.flush();
        return 0;
    }

    private static TableState state(Catalog catalog, ConfiguredTables target, String name) {
        String pipelineId = target.pipeline().id();
        Table table;
        try {
            table = catalog.loadTable(TableIdentifier.parse(name));
        } catch (NoSuchTableException e) {
            return new TableState(pipelineId, name, false, null, null, null);
        }
        List<String> ids = target.tables().pipelineIds();
        Optional<CommittedPosition> last = SnapshotMarkers.latest(table, ids);
        Snapshot lastSnapshot = newestCommitSnapshot(table, ids, last);
        return new TableState(pipelineId, name, true, table.currentSnapshot(), last.orElse(null), lastSnapshot);
    }

    /** The snapshot of the newest commit, found in the history or through the pipeline's tag. */
    private static Snapshot newestCommitSnapshot(Table table, List<String> ids, Optional<CommittedPosition> last) {
        if (last.isEmpty()) {
            return null;
        }
        String checkpoint = Long.toString(last.get().checkpointId());
        for (Snapshot snapshot = table.currentSnapshot();
                snapshot != null;
                snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
            Map<String, String> summary = snapshot.summary();
            if (SnapshotMarkers.isCommitOf(snapshot, ids)
                    && checkpoint.equals(summary.get(SnapshotMarkers.CHECKPOINT_ID))) {
                // the oldest snapshot with this checkpoint is the commit; later ones copied its summary
                Snapshot commit = snapshot;
                while (commit.parentId() != null) {
                    Snapshot parent = table.snapshot(commit.parentId());
                    if (parent == null || !checkpoint.equals(parent.summary().get(SnapshotMarkers.CHECKPOINT_ID))) {
                        break;
                    }
                    commit = parent;
                }
                return commit;
            }
        }
        for (String id : ids) {
            var ref = table.refs().get(SnapshotMarkers.tag(id));
            if (ref != null && table.snapshot(ref.snapshotId()) != null) {
                return table.snapshot(ref.snapshotId());
            }
        }
        return null;
    }

    private Optional<Map<SourcePartition, Long>> endOffsets(FloeConfig floeConfig, Set<SourcePartition> partitions) {
        if (partitions.isEmpty()) {
            return Optional.of(Map.of());
        }
        try (KafkaOffsets kafka = new KafkaOffsets(floeConfig.kafka(), kafkaTimeout)) {
            return Optional.of(kafka.endOffsets(partitions));
        } catch (RuntimeException e) {
            // lag is extra: the tables are still worth listing without it
            LOG.warn(
                    "Cannot read end offsets from Kafka at {}: {}",
                    floeConfig.kafka().bootstrapServers(),
                    e.toString());
            return Optional.empty();
        }
    }

    private static long summaryLong(Snapshot snapshot, String key) {
        String value = snapshot.summary().get(key);
        return value == null ? 0 : Long.parseLong(value);
    }

    private static void print(PrintWriter out, List<TableState> states, Optional<Map<SourcePartition, Long>> ends) {
        for (TableState state : states) {
            out.printf("%s (pipeline %s)%n", state.table(), state.pipeline());
            if (!state.exists()) {
                out.println("  does not exist yet");
                continue;
            }
            if (state.current() == null) {
                out.println("  no snapshot yet");
            } else {
                Snapshot current = state.current();
                out.printf(
                        "  snapshot %d at %s: %,d rows in %,d data files, %,d bytes%n",
                        current.snapshotId(),
                        Instant.ofEpochMilli(current.timestampMillis()),
                        summaryLong(current, SnapshotSummary.TOTAL_RECORDS_PROP),
                        summaryLong(current, SnapshotSummary.TOTAL_DATA_FILES_PROP),
                        summaryLong(current, SnapshotSummary.TOTAL_FILE_SIZE_PROP));
            }
            if (state.lastCommit() == null) {
                out.println("  no Floe commit");
                continue;
            }
            out.printf(
                    "  last Floe commit: checkpoint %d%s%n",
                    state.lastCommit().checkpointId(),
                    state.lastCommitSnapshot() == null
                            ? ""
                            : " in snapshot " + state.lastCommitSnapshot().snapshotId() + " at "
                                    + Instant.ofEpochMilli(
                                            state.lastCommitSnapshot().timestampMillis()));
            new TreeMap<>(state.lastCommit().offsets().asMap()).forEach((partition, offset) -> {
                Long end = ends.map(map -> map.get(partition)).orElse(null);
                out.printf(
                        "    %-30s committed %,d%s%n",
                        partition,
                        offset,
                        end == null ? "" : String.format(", end %,d, lag %,d", end, Math.max(0, end - offset)));
            });
        }
        if (ends.isEmpty()) {
            out.println("(Kafka did not answer: lag left out)");
        }
    }

    private static String json(List<TableState> states, Optional<Map<SourcePartition, Long>> ends) {
        ObjectNode root = JSON.createObjectNode();
        root.put("kafkaReachable", ends.isPresent());
        ArrayNode tables = root.putArray("tables");
        for (TableState state : states) {
            ObjectNode node = tables.addObject();
            node.put("table", state.table());
            node.put("pipeline", state.pipeline());
            node.put("exists", state.exists());
            if (state.current() != null) {
                Snapshot current = state.current();
                node.put("snapshotId", current.snapshotId());
                node.put(
                        "snapshotTime",
                        Instant.ofEpochMilli(current.timestampMillis()).toString());
                node.put("rows", summaryLong(current, SnapshotSummary.TOTAL_RECORDS_PROP));
                node.put("dataFiles", summaryLong(current, SnapshotSummary.TOTAL_DATA_FILES_PROP));
                node.put("totalBytes", summaryLong(current, SnapshotSummary.TOTAL_FILE_SIZE_PROP));
            }
            if (state.lastCommit() == null) {
                node.putNull("lastCommit");
                continue;
            }
            ObjectNode commit = node.putObject("lastCommit");
            commit.put("checkpointId", state.lastCommit().checkpointId());
            if (state.lastCommitSnapshot() != null) {
                commit.put("pipeline", state.lastCommitSnapshot().summary().get(SnapshotMarkers.PIPELINE));
                commit.put("snapshotId", state.lastCommitSnapshot().snapshotId());
                commit.put(
                        "committedAt",
                        Instant.ofEpochMilli(state.lastCommitSnapshot().timestampMillis())
                                .toString());
            }
            ArrayNode offsets = commit.putArray("offsets");
            new TreeMap<>(state.lastCommit().offsets().asMap()).forEach((partition, offset) -> {
                ObjectNode entry = offsets.addObject();
                entry.put("topic", partition.topic());
                entry.put("partition", partition.partition());
                entry.put("committed", offset);
                Long end = ends.map(map -> map.get(partition)).orElse(null);
                if (end != null) {
                    entry.put("end", end);
                    entry.put("lag", Math.max(0, end - offset));
                }
            });
        }
        return root.toString();
    }
}
