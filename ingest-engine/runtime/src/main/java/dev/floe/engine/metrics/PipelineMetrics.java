package dev.floe.engine.metrics;

import dev.floe.engine.checkpoint.CheckpointObserver;
import dev.floe.engine.spi.sink.CommitObserver;
import dev.floe.engine.spi.sink.TableCommit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Everything one pipeline counts, kept for the life of the process (across the pipeline's
 * restarts) and registered as Prometheus meters. Subtasks count in their own {@link SubtaskMetrics}
 * without locks; checkpoints, commits and dead letters are recorded here as they happen (a few
 * times per checkpoint, never per record).
 */
public final class PipelineMetrics implements CheckpointObserver, CommitObserver {
    /** File-size buckets of the histogram: around Parquet's usual targets. */
    private static final double[] FILE_SIZE_BUCKETS = {
        1 << 20, 8 << 20, 32 << 20, 64 << 20, 128 << 20, 256 << 20, 512 << 20, 1024.0 * (1 << 20)
    };

    private final String pipelineId;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Tags tags;
    private final Map<Integer, SubtaskMetrics> sources = new ConcurrentHashMap<>();
    private final Map<Integer, SubtaskMetrics> keyed = new ConcurrentHashMap<>();
    private final CheckpointHistory checkpoints = new CheckpointHistory();
    private final DeadLetterStats deadLetters = new DeadLetterStats();
    private final Map<String, TableCommits> tables = new TreeMap<>();
    private final Timer checkpointDuration;
    private final DistributionSummary checkpointSize;
    private final Counter checkpointsCompleted;
    private final Counter checkpointsFailed;
    private final Timer commitDuration;
    private final Counter commitFailures;
    private final AtomicLong lastCommitted = new AtomicLong();
    private final AtomicLong lastCommittedAt = new AtomicLong();
    private volatile String commitProblem;
    /** Per table, when its oldest uncommitted row reached the sink (see {@link #freshness}). */
    private final Map<String, Supplier<Optional<Instant>>> uncommitted = new ConcurrentHashMap<>();
    /** Per sink writer subtask, its open data files now and at most (see {@link #openFiles}). */
    private final Map<Integer, WriterFiles> openFiles = new ConcurrentHashMap<>();

    public PipelineMetrics(String pipelineId, MeterRegistry registry, Clock clock) {
        this.pipelineId = pipelineId;
        this.registry = registry;
        this.clock = clock;
        this.tags = Tags.of("pipeline", pipelineId);
        this.checkpointDuration = Timer.builder("floe.checkpoint.duration")
                .description("Time from a checkpoint's trigger to its durable storage")
                .tags(tags)
                .register(registry);
        this.checkpointSize = DistributionSummary.builder("floe.checkpoint.size")
                .description("Bytes a checkpoint holds: files written, state snapshots, dead letters")
                .baseUnit("bytes")
                .tags(tags)
                .register(registry);
        this.checkpointsCompleted = Counter.builder("floe.checkpoints")
                .description("Checkpoints stored (result=completed) or aborted (result=failed)")
                .tags(tags.and("result", "completed"))
                .register(registry);
        this.checkpointsFailed = Counter.builder("floe.checkpoints")
                .description("Checkpoints stored (result=completed) or aborted (result=failed)")
                .tags(tags.and("result", "failed"))
                .register(registry);
        this.commitDuration = Timer.builder("floe.checkpoint.commit.duration")
                .description("Time to bring a stored checkpoint to every destination (dead letters, tables,"
                        + " consumer group offsets)")
                .tags(tags)
                .register(registry);
        this.commitFailures = Counter.builder("floe.checkpoint.commit.failures")
                .description("Commit attempts of stored checkpoints that failed (each is retried)")
                .tags(tags)
                .register(registry);
        Gauge.builder("floe.checkpoint.last.committed", lastCommitted, AtomicLong::get)
                .description("The newest checkpoint committed to every destination")
                .tags(tags)
                .register(registry);
        Gauge.builder("floe.checkpoint.last.committed.age", this, m -> m.committedAgeSeconds())
                .description("Seconds since the last checkpoint reached every destination (freshness)")
                .baseUnit("seconds")
                .tags(tags)
                .register(registry);
    }

    public String pipelineId() {
        return pipelineId;
    }

    /** The counters of source subtask {@code index}; the same object across restarts. */
    public SubtaskMetrics source(int index) {
        return sources.computeIfAbsent(index, i -> register(new SubtaskMetrics(i), "source"));
    }

    /** The counters of keyed subtask {@code index}; the same object across restarts. */
    public SubtaskMetrics keyed(int index) {
        return keyed.computeIfAbsent(index, i -> register(new SubtaskMetrics(i), "keyed"));
    }

    private SubtaskMetrics register(SubtaskMetrics subtask, String operator) {
        Tags subtaskTags = tags.and("operator", operator, "subtask", Integer.toString(subtask.subtask()));
        FunctionCounter.builder("floe.records.out", subtask, s -> s.recordsOut().get())
                .description("Rows an operator handed on: to the sink writer, or into the keyBy (a keyed"
                        + " stage takes in what the sources hand on)")
                .tags(subtaskTags)
                .register(registry);
        if (operator.equals("source")) {
            FunctionCounter.builder(
                            "floe.records.in", subtask, s -> s.recordsIn().get())
                    .description("Records read from Kafka")
                    .tags(subtaskTags)
                    .register(registry);
            FunctionCounter.builder(
                            "floe.source.read", subtask, s -> s.bytesIn().get())
                    .description("Bytes of the records read from Kafka (keys and values)")
                    .baseUnit("bytes")
                    .tags(subtaskTags)
                    .register(registry);
            Gauge.builder("floe.watermark.delay", subtask, this::watermarkDelaySeconds)
                    .description("Seconds the subtask's event time is behind the clock (NaN before any record)")
                    .baseUnit("seconds")
                    .tags(subtaskTags)
                    .register(registry);
        }
        return subtask;
    }

    /** Registers the table's freshness gauge once; a restarted pipeline's sink replaces what it reads. */
    @Override
    public void freshness(String table, Supplier<Optional<Instant>> oldestUncommitted) {
        if (uncommitted.put(table, oldestUncommitted) == null) {
            Gauge.builder("floe.sink.freshness", this, metrics -> metrics.freshnessSeconds(table))
                    .description("Seconds since the oldest row the sink holds for the table, not yet committed,"
                            + " reached it (0 when it holds none): how far the table as readers see it lags behind")
                    .baseUnit("seconds")
                    .tags(tags.and("table", table))
                    .register(registry);
        }
    }

    /**
     * Registers the writer's open-file gauges once per subtask; a restarted pipeline's writer replaces
     * what they read (its peak starts again from zero).
     */
    @Override
    public void openFiles(int subtask, IntSupplier open, IntSupplier mostOpen) {
        if (openFiles.put(subtask, new WriterFiles(open, mostOpen)) == null) {
            Tags subtaskTags = tags.and("subtask", Integer.toString(subtask));
            Gauge.builder("floe.sink.open.files", this, metrics -> metrics.openFiles(subtask, false))
                    .description("Data files the sink writer of the subtask holds open now, over every table")
                    .tags(subtaskTags)
                    .register(registry);
            Gauge.builder("floe.sink.open.files.max", this, metrics -> metrics.openFiles(subtask, true))
                    .description("The most data files the sink writer of the subtask held open at once since it"
                            + " started: never above the sink's maxOpenFiles")
                    .tags(subtaskTags)
                    .register(registry);
        }
    }

    /** The open data files of the writer of {@code subtask}: now, or the most at once. */
    private double openFiles(int subtask, boolean most) {
        WriterFiles files = openFiles.get(subtask);
        if (files == null) {
            return Double.NaN;
        }
        return most ? files.mostOpen().getAsInt() : files.open().getAsInt();
    }

    private record WriterFiles(IntSupplier open, IntSupplier mostOpen) {}

    /** The freshness of {@code table} now, in seconds. */
    public double freshnessSeconds(String table) {
        Supplier<Optional<Instant>> oldest = uncommitted.get(table);
        if (oldest == null) {
            return Double.NaN;
        }
        return oldest.get()
                .map(at -> Math.max(0, clock.millis() - at.toEpochMilli()) / 1000.0)
                .orElse(0.0);
    }

    private double watermarkDelaySeconds(SubtaskMetrics subtask) {
        long watermark = subtask.watermark();
        return watermark == Long.MIN_VALUE ? Double.NaN : (clock.millis() - watermark) / 1000.0;
    }

    private double committedAgeSeconds() {
        long at = lastCommittedAt.get();
        return at == 0 ? Double.NaN : (clock.millis() - at) / 1000.0;
    }

    public List<SubtaskMetrics> sources() {
        return sorted(sources);
    }

    public List<SubtaskMetrics> keyed() {
        return sorted(keyed);
    }

    private static List<SubtaskMetrics> sorted(Map<Integer, SubtaskMetrics> subtasks) {
        return new TreeMap<>(subtasks).values().stream().toList();
    }

    /** A record went to the dead-letter destination; off the per-record path (rejections are rare). */
    public void rejected(String code, String reason, String location) {
        deadLetters.rejected(new DeadLetterStats.Rejection(clock.instant(), code, reason, location));
        Counter.builder("floe.dead.letters")
                .description("Records sent to the dead-letter topic, by error code")
                .tags(tags.and("code", code))
                .register(registry)
                .increment();
    }

    public DeadLetterStats deadLetters() {
        return deadLetters;
    }

    public CheckpointHistory checkpoints() {
        return checkpoints;
    }

    /** The newest checkpoint committed to every destination, or 0. */
    public long lastCommitted() {
        return lastCommitted.get();
    }

    public long checkpointsCompleted() {
        return (long) checkpointsCompleted.count();
    }

    public long checkpointsFailed() {
        return (long) checkpointsFailed.count();
    }

    /** Why the latest commit attempt failed, or null once a commit succeeded after it. */
    public String commitProblem() {
        return commitProblem;
    }

    /** What was committed per table, by table name. */
    public synchronized List<TableCommits> tables() {
        return new ArrayList<>(tables.values());
    }

    @Override
    public void stored(CheckpointSummary checkpoint) {
        checkpoints.stored(checkpoint);
        checkpointDuration.record(checkpoint.duration());
        checkpointSize.record(checkpoint.bytes());
        checkpointsCompleted.increment();
    }

    @Override
    public void failed(long checkpointId, Instant triggeredAt, String reason) {
        checkpoints.failed(checkpointId, triggeredAt, Duration.between(triggeredAt, clock.instant()), reason);
        checkpointsFailed.increment();
    }

    @Override
    public void committed(long checkpointId, Duration duration) {
        checkpoints.committedUpTo(checkpointId);
        commitDuration.record(duration);
        lastCommitted.set(checkpointId);
        lastCommittedAt.set(clock.millis());
        commitProblem = null;
    }

    @Override
    public void commitFailed(long checkpointId, String reason) {
        commitProblem = "checkpoint " + checkpointId + ": " + reason;
        commitFailures.increment();
    }

    @Override
    public synchronized void committed(TableCommit commit) {
        TableCommits before = tables.getOrDefault(commit.table(), TableCommits.none(commit.table()));
        tables.put(
                commit.table(),
                new TableCommits(
                        commit.table(),
                        before.commits() + 1,
                        before.failures(),
                        before.records() + commit.records(),
                        before.files() + commit.files(),
                        before.bytes() + commit.bytes(),
                        commit.checkpointId(),
                        clock.instant(),
                        commit.duration(),
                        before.lastFailure()));
        Tags tableTags = tags.and("table", commit.table());
        Timer.builder("floe.table.commit.duration")
                .description("Latency of a commit to a table")
                .tags(tableTags)
                .register(registry)
                .record(commit.duration());
        Counter.builder("floe.table.commit.records")
                .description("Rows committed to a table")
                .tags(tableTags)
                .register(registry)
                .increment(commit.records());
        Counter.builder("floe.table.commit.files")
                .description("Data files committed to a table")
                .tags(tableTags)
                .register(registry)
                .increment(commit.files());
        DistributionSummary fileSizes = DistributionSummary.builder("floe.table.file.size")
                .description("Sizes of the data files committed to a table")
                .baseUnit("bytes")
                .serviceLevelObjectives(FILE_SIZE_BUCKETS)
                .tags(tableTags)
                .register(registry);
        commit.fileSizes().forEach(fileSizes::record);
    }

    @Override
    public synchronized void failed(String table, long checkpointId, Duration duration, String reason) {
        TableCommits before = tables.getOrDefault(table, TableCommits.none(table));
        tables.put(
                table,
                new TableCommits(
                        table,
                        before.commits(),
                        before.failures() + 1,
                        before.records(),
                        before.files(),
                        before.bytes(),
                        before.lastCheckpointId(),
                        before.lastCommitAt(),
                        before.lastDuration(),
                        reason));
        Counter.builder("floe.table.commit.failures")
                .description("Commit attempts to a table that failed")
                .tags(tags.and("table", table))
                .register(registry)
                .increment();
    }
}
