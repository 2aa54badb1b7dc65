package dev.floe.deploy.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.cli.DurationConverter;
import dev.floe.engine.cli.FloeCli;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.CheckpointConfig;
import dev.floe.engine.config.CheckpointLocation;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.config.HttpConfig;
import dev.floe.engine.config.PipelineConfig;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.pipeline.RunMode;
import dev.floe.engine.spi.config.ConfigException;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.iceberg.SinkTables;
import dev.floe.iceberg.SnapshotMarkers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code floe replay}: reads an offset range of a pipeline's topics again into its live tables,
 * skipping every offset a table's commits already cover. Each contiguous hole per partition is read
 * by a bounded run of the pipeline's own decode, transforms and sink, under a writer id of its own
 * ({@code <pipeline>.replay-<run>-<round>}): its commits carry their own lineage, and the live
 * pipeline's recovery, resume offsets and table claim ignore them, so it may run while {@code floe
 * run} does. Exit codes: 0 replayed (or nothing left to replay), 1 a run failed, 2 bad usage or
 * config.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Reads an offset range of a pipeline's topics again into its tables, skipping what the tables",
            "already hold (their floe.ranges lineage), below where the live pipeline has committed.",
            "Exit 0 when replayed or nothing was missing, 1 when a run failed, 2 on bad usage."
        })
public final class ReplayCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "FILE",
            description = "Floe's config file")
    Path config;

    @Option(names = "--pipeline", required = true, paramLabel = "ID", description = "The pipeline to replay")
    String pipeline;

    @Option(
            names = "--from",
            defaultValue = "earliest",
            paramLabel = "BOUND",
            description = {
                "Where the range starts: earliest, an instant (2026-11-22T10:00:00Z, every partition), or",
                "topic:partition:offset[,...] (only the partitions named) (default: ${DEFAULT-VALUE})"
            })
    String from;

    @Option(
            names = "--to",
            defaultValue = "end",
            paramLabel = "BOUND",
            description = {
                "Where the range ends (exclusive): end, an instant, or topic:partition:offset[,...] (other",
                "partitions to their end); never past the live pipeline's committed offsets (default: ${DEFAULT-VALUE})"
            })
    String to;

    @Option(names = "--dry-run", description = "Print the plan (what would be read) and read nothing")
    boolean dryRun;

    @Option(
            names = "--kafka-timeout",
            defaultValue = "60s",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "The longest wait for each Kafka request while planning (default: ${DEFAULT-VALUE})")
    Duration kafkaTimeout;

    @Option(names = "--json", description = "Print the summary as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RangeBound start;
        RangeBound end;
        try {
            start = RangeBound.parse(from);
            end = RangeBound.parse(to);
        } catch (IllegalArgumentException e) {
            err.println("floe replay: Cannot read the range: " + e.getMessage());
            return FloeCli.EXIT_USAGE;
        }
        if (start.kind() == RangeBound.Kind.END || end.kind() == RangeBound.Kind.EARLIEST) {
            err.println("floe replay: --from cannot be 'end' and --to cannot be 'earliest'");
            return FloeCli.EXIT_USAGE;
        }
        FloeConfig floeConfig;
        try {
            floeConfig = new ConfigLoader(
                            Sinks.installed(),
                            ConfigLoader.environment(),
                            Runtime.getRuntime().availableProcessors())
                    .load(config);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return FloeCli.EXIT_USAGE;
        }
        PipelineConfig target = floeConfig.pipelines().stream()
                .filter(p -> p.id().equals(pipeline))
                .findFirst()
                .orElse(null);
        if (target == null) {
            err.println("floe replay: config " + config + " has no pipeline " + pipeline + "; it has "
                    + floeConfig.pipelines().stream().map(PipelineConfig::id).toList());
            return FloeCli.EXIT_USAGE;
        }
        SinkTables tables = SinkTables.of(target.sink()).orElse(null);
        if (tables == null) {
            err.println("floe replay: pipeline " + pipeline + " does not write Iceberg tables; only their"
                    + " lineage tells what a replay may skip");
            return FloeCli.EXIT_USAGE;
        }

        Map<SourcePartition, OffsetRange> asked = new TreeMap<>();
        Map<SourcePartition, Long> logEnds;
        try (SourceLog log = new SourceLog(floeConfig.kafka(), kafkaTimeout)) {
            List<SourcePartition> partitions = log.partitions(target.source());
            Map<SourcePartition, Long> beginnings = log.beginnings(partitions);
            logEnds = log.ends(partitions);
            Map<SourcePartition, Long> startTimes =
                    start.kind() == RangeBound.Kind.TIME ? log.at(partitions, start.time()) : Map.of();
            Map<SourcePartition, Long> endTimes =
                    end.kind() == RangeBound.Kind.TIME ? log.at(partitions, end.time()) : Map.of();
            for (SourcePartition partition : partitions) {
                long beginning = beginnings.get(partition);
                long logEnd = logEnds.get(partition);
                var first = start.in(partition, beginning, logEnd, startTimes);
                if (first.isEmpty()) {
                    continue;
                }
                long last = end.in(partition, beginning, logEnd, endTimes).orElse(logEnd);
                long a = Math.max(first.get(), beginning);
                long b = Math.min(last, logEnd);
                asked.put(partition, new OffsetRange(a, Math.max(a, b)));
            }
            for (SourcePartition named : start.offsets().keySet()) {
                if (!partitions.contains(named)) {
                    err.println("floe replay: --from names " + named + ", which pipeline " + pipeline
                            + " does not read (its partitions: " + partitions + ")");
                    return FloeCli.EXIT_USAGE;
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("floe replay: " + e.getMessage());
            return FloeCli.EXIT_USAGE;
        }

        ReplayPlan plan;
        List<String> names;
        try {
            Catalog catalog = tables.catalog().load();
            try {
                names = tableNames(tables);
                plan = plan(catalog, names, tables.pipelineIds(), asked);
            } finally {
                if (catalog instanceof java.io.Closeable closeable) {
                    closeable.close();
                }
            }
        } catch (IllegalStateException e) {
            err.println("floe replay: " + e.getMessage());
            return FloeCli.EXIT_FAILURE;
        }

        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Map<SourcePartition, OffsetRange>> rounds = plan.rounds();
        List<String> writers = new ArrayList<>();
        String failure = null;
        if (!dryRun) {
            for (int i = 0; i < rounds.size() && failure == null; i++) {
                String writer = SnapshotMarkers.replayWriter(pipeline, run + "-" + (i + 1));
                writers.add(writer);
                failure = replay(floeConfig, target, writer, rounds.get(i), logEnds);
            }
        }
        if (json) {
            out.println(json(names, asked, plan, writers, failure));
        } else {
            print(out, names, asked, plan, writers, failure);
        }
        out.flush();
        if (failure != null) {
            err.println("floe replay: " + failure);
            return FloeCli.EXIT_FAILURE;
        }
        return 0;
    }

    /**
     * The tables a replay plans against: the pipeline's table. A routed pipeline's tables are
     * named by its records, and an offset missing from one of them may belong to another that holds
     * it: a replay cannot tell where a hole's records would go, so it needs a fixed table.
     */
    private List<String> tableNames(SinkTables tables) {
        if (tables.routed()) {
            throw new IllegalStateException("Cannot replay into pipeline " + pipeline + "'s routed tables ("
                    + tables.table() + "): whether an offset's record belongs to the table missing it or to one"
                    + " that holds it is known only after decoding it, so a replay could duplicate it");
        }
        return List.of(tables.table());
    }

    /** The plan against every table: an offset is read only where no table holds it. */
    static ReplayPlan plan(
            Catalog catalog, List<String> names, List<String> pipelineIds, Map<SourcePartition, OffsetRange> asked) {
        Map<SourcePartition, List<OffsetRange>> covered = new HashMap<>();
        Map<SourcePartition, Long> live = null;
        Map<SourcePartition, Long> knownFrom = new HashMap<>();
        for (String name : names) {
            Table table = catalog.loadTable(TableIdentifier.parse(name));
            TableLineage lineage = TableLineage.read(name, table, pipelineIds);
            lineage.covered()
                    .forEach((partition, ranges) -> covered.computeIfAbsent(partition, p -> new ArrayList<>())
                            .addAll(ranges));
            if (live == null) {
                live = new HashMap<>(lineage.live());
            } else {
                Map<SourcePartition, Long> tableLive = lineage.live();
                live.keySet().retainAll(tableLive.keySet());
                live.replaceAll((partition, offset) -> Math.min(offset, tableLive.get(partition)));
            }
            lineage.knownFrom().forEach((partition, offset) -> knownFrom.merge(partition, offset, Math::max));
        }
        return ReplayPlan.plan(asked, covered, live == null ? Map.of() : live, knownFrom);
    }

    /**
     * Reads one round: the pipeline's own definition under {@code writer}, each partition of the
     * round from its hole's start to its end, every other partition from its end to its end (so it
     * reads nothing), with checkpoints in a directory of its own that is deleted afterwards (a
     * replay that stops half way is planned again from the tables, which hold exactly what it
     * committed).
     *
     * @return why it failed, or null
     */
    private String replay(
            FloeConfig floeConfig,
            PipelineConfig target,
            String writer,
            Map<SourcePartition, OffsetRange> round,
            Map<SourcePartition, Long> logEnds) {
        Map<SourcePartition, Long> starts = new HashMap<>();
        Map<SourcePartition, Long> stops = new HashMap<>();
        logEnds.forEach((partition, end) -> {
            OffsetRange hole = round.get(partition);
            starts.put(partition, hole == null ? end : hole.from());
            stops.put(partition, hole == null ? end : hole.to());
        });
        Path checkpoints;
        try {
            checkpoints = Files.createTempDirectory("floe-replay-");
        } catch (IOException e) {
            return "Cannot create a checkpoint directory for " + writer + ": " + e.getMessage();
        }
        try {
            PipelineConfig replay = new PipelineConfig(
                    writer,
                    target.source()
                            .withRange(
                                    SourceOffsets.of(starts),
                                    SourceOffsets.of(stops),
                                    target.source().groupId() + ".replay"),
                    target.parallelism(),
                    target.onError(),
                    target.deadLetterTopic(),
                    target.deadLetterTable(),
                    target.sink().asWriter(writer),
                    target.restartStrategy(),
                    target.state(),
                    target.mapping());
            CheckpointConfig global = floeConfig.checkpoints();
            FloeConfig replayConfig = new FloeConfig(
                    floeConfig.source(),
                    floeConfig.kafka(),
                    floeConfig.registry(),
                    new CheckpointConfig(
                            global.interval(),
                            new CheckpointLocation.Local(checkpoints),
                            global.timeout(),
                            global.minPause(),
                            global.retained(),
                            global.maxPendingCommits(),
                            global.savepoints()),
                    List.of(replay),
                    new HttpConfig(false, "127.0.0.1", 0, null, false),
                    List.of());
            FloeRuntime runtime;
            try {
                runtime = FloeRuntime.start(replayConfig, Clock.systemUTC(), RunMode.UNTIL_END);
            } catch (ConfigException | FatalException e) {
                return "Cannot start replay " + writer + ": " + e.getMessage();
            }
            try {
                runtime.terminated().join();
                for (Pipeline running : runtime.pipelines()) {
                    if (running.state() == Pipeline.State.FAILED) {
                        Throwable cause = running.failureCause();
                        return "replay " + writer + " failed: "
                                + (cause == null ? "unknown cause" : cause.getMessage());
                    }
                }
                return null;
            } finally {
                runtime.close();
            }
        } finally {
            deleteQuietly(checkpoints);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: what is left holds nothing a later replay reads
        }
    }

    private void print(
            PrintWriter out,
            List<String> names,
            Map<SourcePartition, OffsetRange> asked,
            ReplayPlan plan,
            List<String> writers,
            String failure) {
        out.printf("Replay of pipeline %s into %s%n", pipeline, String.join(", ", names));
        asked.forEach((partition, range) -> {
            List<OffsetRange> holes = plan.holes().getOrDefault(partition, List.of());
            out.printf(
                    "  %-30s asked %s: %s%s%n",
                    partition,
                    range,
                    holes.isEmpty() ? "nothing missing" : "reads " + holes,
                    plan.notReplayable().containsKey(partition)
                            ? " (" + plan.notReplayable().get(partition) + ")"
                            : "");
        });
        if (dryRun) {
            out.printf(
                    "Dry run: would read %d offsets in %d run(s)%n",
                    plan.offsets(), plan.rounds().size());
        } else if (failure == null) {
            out.printf("Replayed %d offsets in %d run(s) as %s%n", plan.offsets(), writers.size(), writers);
        } else {
            out.printf("Replay failed after %d run(s): %s%n", writers.size(), failure);
        }
    }

    private String json(
            List<String> names,
            Map<SourcePartition, OffsetRange> asked,
            ReplayPlan plan,
            List<String> writers,
            String failure) {
        ObjectNode root = JSON.createObjectNode();
        root.put("pipeline", pipeline);
        ArrayNode tableList = root.putArray("tables");
        names.forEach(tableList::add);
        root.put("dryRun", dryRun);
        root.put("offsets", plan.offsets());
        root.put("runs", plan.rounds().size());
        ArrayNode writerList = root.putArray("writers");
        writers.forEach(writerList::add);
        ArrayNode partitions = root.putArray("partitions");
        asked.forEach((partition, range) -> {
            ObjectNode entry = partitions.addObject();
            entry.put("topic", partition.topic());
            entry.put("partition", partition.partition());
            entry.put("from", range.from());
            entry.put("to", range.to());
            ArrayNode holes = entry.putArray("reads");
            for (OffsetRange hole : plan.holes().getOrDefault(partition, List.of())) {
                holes.addArray().add(hole.from()).add(hole.to());
            }
            if (plan.notReplayable().containsKey(partition)) {
                entry.put("note", plan.notReplayable().get(partition));
            }
        });
        root.put("ok", failure == null);
        if (failure != null) {
            root.put("error", failure);
        }
        return root.toString();
    }
}
