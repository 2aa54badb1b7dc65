package dev.floe.iceberg;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.sink.CheckpointInfo;
import dev.floe.engine.spi.sink.CommitObserver;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.SinkCommitter;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.engine.spi.sink.TableCommit;
import dev.floe.engine.spi.sink.WriteResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.ManifestWriter;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.OutputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a pipeline's data files to its tables, exactly once, each table on its own.
 *
 * <p>At {@link #prepare} each table's files of a checkpoint are listed in manifests next to that
 * table's metadata, so they can be committed after any restart. At {@link #commit} each table
 * itself says what is committed: the newest snapshot of this pipeline carries the last {@code
 * floe.checkpoint-id}; everything up to it is skipped, everything after it is committed in one
 * append with the checkpoint's id, offsets, resume offsets and lineage in the summary, and the
 * {@code floe-<pipeline>} tag moved to it. An upsert table gets one row delta per checkpoint
 * instead, in order, since equality deletes only hide rows committed before them. A commit whose outcome is unknown is resolved by
 * reading the table's history, never by committing blindly again.
 *
 * <p>A table whose commit fails and may be retried keeps its pending commits and is retried at
 * the next commit; the other tables go on. Only when every due table failed does {@link #commit}
 * throw, so that the engine backs off.
 */
final class IcebergCommitter implements SinkCommitter {
    private static final Logger LOG = LoggerFactory.getLogger(IcebergCommitter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The snapshot id written into a pending manifest: encoding a manifest needs one, and the files
     * are appended one by one at commit, where they get the real snapshot's id.
     */
    private static final long UNCOMMITTED_SNAPSHOT_ID = 0L;

    private final IcebergSink sink;
    private final String pipelineId;
    private final CommitObserver observer;
    private final Map<String, List<PendingCommit>> pending = new TreeMap<>();
    private final Map<String, String> tableUuids = new TreeMap<>();
    /**
     * Per table, per pending checkpoint, when its first row reached a writer (epoch millis): what
     * the commit policy and the freshness gauge measure. Read by the metrics' thread, so concurrent.
     */
    private final Map<String, ConcurrentSkipListMap<Long, Long>> firstRows = new ConcurrentHashMap<>();
    /** Tables whose pending checkpoints were restored: committed at the next commit, whatever the policy. */
    private final Set<String> restoredTables = new TreeSet<>();

    IcebergCommitter(IcebergSink sink, CommitObserver observer) {
        this.sink = sink;
        this.pipelineId = sink.pipelineId();
        this.observer = observer;
    }

    @Override
    public synchronized byte[] prepare(CheckpointInfo checkpoint, List<WriteResult> results) {
        Map<String, List<IcebergWriteResult.TableWrite>> byTable = new TreeMap<>();
        for (WriteResult result : results) {
            ((IcebergWriteResult) result)
                    .tables()
                    .forEach((table, write) -> byTable.computeIfAbsent(table, key -> new ArrayList<>())
                            .add(write));
        }
        for (Map.Entry<String, List<IcebergWriteResult.TableWrite>> entry : byTable.entrySet()) {
            String name = entry.getKey();
            List<DataFile> files = new ArrayList<>();
            List<DeleteFile> deletes = new ArrayList<>();
            long records = 0;
            long bytes = 0;
            Map<SourcePartition, OffsetLineage.Range> lineage = new TreeMap<>();
            String uuid = null;
            long firstRow = TableTarget.NO_ROWS;
            for (IcebergWriteResult.TableWrite write : entry.getValue()) {
                firstRow = Math.min(firstRow, write.firstRowMillis());
                files.addAll(write.files());
                deletes.addAll(write.deletes());
                records += write.records();
                bytes += write.bytes();
                lineage = OffsetLineage.merge(lineage, write.lineage());
                if (uuid != null && !uuid.equals(write.tableUuid())) {
                    throw new FatalException(
                            IcebergErrorCode.TABLE_REPLACED,
                            "Cannot prepare checkpoint " + checkpoint.checkpointId() + " of table " + name
                                    + ": its files were written for two tables of that name (uuids " + uuid + " and "
                                    + write.tableUuid() + "); it was dropped and re-created while being written");
                }
                uuid = write.tableUuid();
            }
            Table table = sink.target(name).table();
            pending.computeIfAbsent(name, key -> new ArrayList<>())
                    .add(new PendingCommit(
                            checkpoint.checkpointId(),
                            checkpoint.startOffsets(),
                            checkpoint.offsets(),
                            uuid,
                            writeManifests(name, table, checkpoint.checkpointId(), files, false),
                            files.size(),
                            records,
                            bytes,
                            lineage,
                            writeManifests(name, table, checkpoint.checkpointId(), deletes, true)));
            tableUuids.put(name, uuid);
            firstRows
                    .computeIfAbsent(name, key -> new ConcurrentSkipListMap<>())
                    .put(checkpoint.checkpointId(), firstRow);
        }
        return PendingCommitsCodec.encode(state());
    }

    private Map<String, PendingCommitsCodec.TableState> state() {
        Map<String, PendingCommitsCodec.TableState> state = new LinkedHashMap<>();
        for (Map.Entry<String, List<PendingCommit>> entry : pending.entrySet()) {
            if (!entry.getValue().isEmpty()) {
                state.put(
                        entry.getKey(),
                        new PendingCommitsCodec.TableState(tableUuids.get(entry.getKey()), entry.getValue()));
            }
        }
        return state;
    }

    /**
     * Lists the files in one manifest per partition spec, next to the table's metadata: data files
     * in data manifests, delete files in delete manifests.
     */
    private List<PendingCommit.EncodedManifest> writeManifests(
            String name, Table table, long checkpointId, List<? extends ContentFile<?>> files, boolean deletes) {
        Map<Integer, List<ContentFile<?>>> bySpec = new HashMap<>();
        for (ContentFile<?> file : files) {
            bySpec.computeIfAbsent(file.specId(), id -> new ArrayList<>()).add(file);
        }
        int formatVersion = TableUtil.formatVersion(table);
        List<PendingCommit.EncodedManifest> manifests = new ArrayList<>();
        String prefix = "floe-" + pipelineId + "-" + checkpointId + "-" + UUID.randomUUID() + (deletes ? "-d" : "");
        int index = 0;
        for (Map.Entry<Integer, List<ContentFile<?>>> group : bySpec.entrySet()) {
            PartitionSpec spec = table.specs().get(group.getKey());
            String location =
                    ((HasTableOperations) table).operations().metadataFileLocation(prefix + "-m" + index++ + ".avro");
            OutputFile output = table.io().newOutputFile(location);
            try {
                ManifestFile manifest;
                if (deletes) {
                    ManifestWriter<DeleteFile> writer =
                            ManifestFiles.writeDeleteManifest(formatVersion, spec, output, UNCOMMITTED_SNAPSHOT_ID);
                    try (writer) {
                        group.getValue().forEach(file -> writer.add((DeleteFile) file));
                    }
                    manifest = writer.toManifestFile();
                } else {
                    ManifestWriter<DataFile> writer =
                            ManifestFiles.write(formatVersion, spec, output, UNCOMMITTED_SNAPSHOT_ID);
                    try (writer) {
                        group.getValue().forEach(file -> writer.add((DataFile) file));
                    }
                    manifest = writer.toManifestFile();
                }
                manifests.add(new PendingCommit.EncodedManifest(ManifestFiles.encode(manifest)));
            } catch (IOException | UncheckedIOException e) {
                throw new RetriableException(
                        IcebergErrorCode.WRITE_FAILED,
                        "Cannot write the manifest of checkpoint " + checkpointId + " of table " + name + " to "
                                + location + ": " + e,
                        e);
            }
        }
        return manifests;
    }

    @Override
    public synchronized void commit(long checkpointId) {
        commit(checkpointId, false);
    }

    @Override
    public synchronized void flush(long checkpointId) {
        commit(checkpointId, true);
    }

    private void commit(long checkpointId, boolean whateverThePolicy) {
        List<TableCommitTask> tasks = new ArrayList<>();
        for (String name : new ArrayList<>(pending.keySet())) {
            List<PendingCommit> due = new ArrayList<>();
            for (PendingCommit commit : pending.get(name)) {
                if (commit.checkpointId() <= checkpointId) {
                    due.add(commit);
                }
            }
            if (due.isEmpty()) {
                continue;
            }
            if (!whateverThePolicy && !restoredTables.contains(name) && !isDue(name, checkpointId)) {
                continue;
            }
            tasks.add(new TableCommitTask(sink.target(name), due));
        }
        run(tasks);
        RetriableException firstFailure = null;
        RuntimeException fatal = null;
        int failed = 0;
        int succeeded = 0;
        for (TableCommitTask task : tasks) {
            String name = task.target.name();
            if (task.failure == null) {
                settle(task.target, task.due, checkpointId);
                succeeded++;
            } else if (task.failure instanceof RetriableException) {
                RetriableException e = (RetriableException) task.failure;
                failed++;
                task.target.failed(e.getMessage());
                firstFailure = firstFailure == null ? e : firstFailure;
                LOG.warn(
                        "Pipeline {} cannot commit table {} yet; it keeps its pending checkpoints and is retried with"
                                + " the next commit: {}",
                        pipelineId,
                        name,
                        e.getMessage());
            } else if (fatal == null) {
                fatal = task.failure;
            }
        }
        if (fatal != null) {
            throw fatal;
        }
        if (failed > 0 && succeeded == 0) {
            throw firstFailure;
        }
    }

    /**
     * Commits the tasks' tables, up to the commit policy's parallelism at once: each task only
     * talks to its table, and what the committer records of the outcomes is done afterwards, on
     * the calling thread ({@link #settle}).
     */
    private void run(List<TableCommitTask> tasks) {
        int parallelism = sink.config().commit().parallelism();
        if (tasks.size() <= 1 || parallelism <= 1) {
            tasks.forEach(TableCommitTask::run);
            return;
        }
        ExecutorService executor = Executors.newFixedThreadPool(Math.min(parallelism, tasks.size()), runnable -> {
            Thread thread = new Thread(runnable, "floe-commit-" + pipelineId);
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (TableCommitTask task : tasks) {
                running.add(executor.submit(task::run));
            }
            for (Future<?> each : running) {
                each.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException(
                    IcebergErrorCode.COMMIT_FAILED,
                    "Interrupted while committing the tables of pipeline " + pipelineId,
                    e);
        } catch (ExecutionException e) {
            // a task records its table's failure itself: only an Error gets here
            throw new IllegalStateException("Cannot commit the tables of pipeline " + pipelineId, e.getCause());
        } finally {
            executor.shutdownNow();
        }
    }

    /** One table's due checkpoints, committed on whichever thread runs it; its failure kept for the caller. */
    private final class TableCommitTask {
        final TableTarget target;
        final List<PendingCommit> due;
        RuntimeException failure;

        TableCommitTask(TableTarget target, List<PendingCommit> due) {
            this.target = target;
            this.due = due;
        }

        void run() {
            try {
                commitTable(target, due);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
    }

    /**
     * Whether the table's commit policy commits its checkpoints up to {@code checkpointId} now: by
     * the bytes they hold, or by how long ago their oldest row reached the sink.
     */
    private boolean isDue(String name, long checkpointId) {
        CommitPolicy policy = sink.config().commit();
        if (policy.everyCheckpoint()) {
            return true;
        }
        long bytes = 0;
        for (PendingCommit commit : pending.get(name)) {
            if (commit.checkpointId() <= checkpointId) {
                bytes += commit.bytes();
            }
        }
        long oldest = oldestPendingMillis(name);
        Duration waited = oldest == TableTarget.NO_ROWS
                ? Duration.ZERO
                : Duration.ofMillis(Math.max(0, sink.clock().millis() - oldest));
        boolean due = policy.isDue(bytes, waited);
        if (!due) {
            LOG.debug(
                    "Pipeline {} lets table {} wait for its commit ({}): {} bytes in {} checkpoints, oldest row {} ago",
                    pipelineId,
                    name,
                    policy,
                    bytes,
                    pending.get(name).size(),
                    waited);
        }
        return due;
    }

    /**
     * When the oldest row of the table's pending checkpoints reached a writer (epoch millis), or
     * {@link TableTarget#NO_ROWS}; safe from any thread.
     */
    long oldestPendingMillis(String name) {
        ConcurrentSkipListMap<Long, Long> rows = firstRows.get(name);
        long oldest = TableTarget.NO_ROWS;
        if (rows != null) {
            for (long millis : rows.values()) {
                oldest = Math.min(oldest, millis);
            }
        }
        return oldest;
    }

    /**
     * Commits {@code due}, the table's pending checkpoints up to the one being committed; talks to
     * the table only, so that tables can be committed on several threads at once.
     */
    private void commitTable(TableTarget target, List<PendingCommit> due) {
        String name = target.name();
        Table table = refreshedTable(target);
        for (PendingCommit commit : due) {
            if (!commit.tableUuid().equals(table.uuid().toString())) {
                throw new FatalException(
                        IcebergErrorCode.TABLE_REPLACED,
                        "Cannot commit checkpoint " + commit.checkpointId() + " of pipeline " + pipelineId
                                + " to table " + name + ": the table was dropped and re-created (uuid "
                                + commit.tableUuid() + " is now " + table.uuid() + "); its offsets belong to the old"
                                + " table. Remove the pipeline's checkpoints to start the new table afresh.");
            }
        }
        Optional<CommittedPosition> held = SnapshotMarkers.latest(table, sink.pipelineIds());
        long committed = held.map(CommittedPosition::checkpointId).orElse(0L);
        List<PendingCommit> toCommit = new ArrayList<>();
        for (PendingCommit commit : due) {
            if (commit.checkpointId() > committed) {
                toCommit.add(commit);
            } else {
                refuseToSkipUnheldRecords(name, commit, held.orElseThrow());
                LOG.info(
                        "Table {} already holds checkpoint {} of pipeline {}; not committing it again",
                        name,
                        commit.checkpointId(),
                        pipelineId);
            }
        }
        if (!toCommit.isEmpty()) {
            if (held.isEmpty()) {
                refuseForeignPipelines(table, name, toCommit.get(toCommit.size() - 1));
            }
            if (sink.config().upsert()
                    || toCommit.stream()
                            .anyMatch(commit -> !commit.deleteManifests().isEmpty())) {
                // one commit per checkpoint, in order: a checkpoint's equality deletes hide only rows
                // committed before them, so a later checkpoint's deletes must follow the earlier rows
                Optional<CommittedPosition> previous = held;
                for (PendingCommit commit : toCommit) {
                    append(target, table, List.of(commit), previous);
                    previous = Optional.of(new CommittedPosition(commit.checkpointId(), commit.offsets()));
                }
            } else {
                append(target, table, toCommit, held);
            }
        }
        for (PendingCommit commit : due) {
            deleteManifests(table, name, commit);
        }
    }

    /** Records that the table holds {@code due}, the checkpoints up to {@code checkpointId}. */
    private void settle(TableTarget target, List<PendingCommit> due, long checkpointId) {
        String name = target.name();
        pending.get(name).removeAll(due);
        ConcurrentSkipListMap<Long, Long> rows = firstRows.get(name);
        if (rows != null) {
            rows.headMap(checkpointId, true).clear();
        }
        if (pending.get(name).isEmpty()) {
            pending.remove(name);
        }
        restoredTables.remove(name);
        target.committed(due.get(due.size() - 1).checkpointId());
    }

    /**
     * Refuses to skip a checkpoint whose id the table holds when the table does not hold its
     * records: checkpoint ids were reused (a restart that lost its checkpoints and numbered them
     * afresh instead of after the table's), and skipping would drop the records silently.
     */
    private void refuseToSkipUnheldRecords(String name, PendingCommit commit, CommittedPosition held) {
        Map<SourcePartition, Long> lastRows = new TreeMap<>();
        if (commit.lineage().isEmpty() && commit.records() > 0) {
            // written before lineage was kept: its rows may reach up to its offsets
            commit.offsets().asMap().forEach((partition, next) -> lastRows.put(partition, next - 1));
        } else {
            commit.lineage().forEach((partition, rows) -> lastRows.put(partition, rows.last()));
        }
        for (Map.Entry<SourcePartition, Long> entry : lastRows.entrySet()) {
            long heldUpTo = held.offsets().offset(entry.getKey()).orElse(0);
            if (entry.getValue() >= heldUpTo) {
                throw new FatalException(
                        IcebergErrorCode.CHECKPOINT_ID_REUSED,
                        "Cannot commit checkpoint " + commit.checkpointId() + " of pipeline " + pipelineId
                                + " to table " + name + ": the table holds checkpoint " + held.checkpointId()
                                + " of the pipeline, with " + entry.getKey() + " up to " + heldUpTo
                                + ", but not this checkpoint's rows up to offset " + entry.getValue()
                                + ". Checkpoint ids were reused (a restart without its checkpoints that did not"
                                + " resume from the table?); skipping the checkpoint would drop its rows");
            }
        }
    }

    /**
     * Refuses a first commit into a table where another pipeline already commits records of the
     * same topics: two pipelines reading the same partitions into one table write each record
     * twice. A renamed pipeline declares its former id instead. A pipeline and its replays ({@code
     * floe replay}) are not foreign to each other.
     */
    private void refuseForeignPipelines(Table table, String name, PendingCommit commit) {
        Set<String> topics = new TreeSet<>();
        commit.offsets().asMap().keySet().forEach(partition -> topics.add(partition.topic()));
        for (Map.Entry<String, SnapshotRef> ref : table.refs().entrySet()) {
            if (!ref.getKey().startsWith("floe-") || !ref.getValue().isTag()) {
                continue;
            }
            Snapshot tagged = table.snapshot(ref.getValue().snapshotId());
            String other = tagged == null ? null : tagged.summary().get(SnapshotMarkers.PIPELINE);
            if (other == null
                    || sink.pipelineIds().contains(other)
                    || SnapshotMarkers.pipelineOf(other).equals(SnapshotMarkers.pipelineOf(pipelineId))) {
                // its own commits, or a replay's of the same pipeline (or the pipeline's, for a replay):
                // those read offsets the other does not hold (floe replay plans from the table's lineage)
                continue;
            }
            Set<String> shared = new TreeSet<>();
            OffsetsJson.read(tagged.summary().get(SnapshotMarkers.OFFSETS))
                    .asMap()
                    .keySet()
                    .forEach(partition -> {
                        if (topics.contains(partition.topic())) {
                            shared.add(partition.topic());
                        }
                    });
            if (!shared.isEmpty()) {
                throw new FatalException(
                        IcebergErrorCode.FOREIGN_PIPELINE,
                        "Cannot commit checkpoint " + commit.checkpointId() + " of pipeline " + pipelineId
                                + " to table " + name + ": pipeline " + other + " already ingests " + shared
                                + " into it (its checkpoint " + tagged.summary().get(SnapshotMarkers.CHECKPOINT_ID)
                                + "), and two pipelines reading the same partitions into one table write every"
                                + " record twice. If " + pipelineId + " is " + other + " renamed, declare"
                                + " sink.formerIds: [" + other + "]; otherwise point it at another table");
            }
        }
    }

    private void append(
            TableTarget target, Table table, List<PendingCommit> commits, Optional<CommittedPosition> held) {
        long started = System.nanoTime();
        PendingCommit newest = commits.get(commits.size() - 1);
        try {
            append(target, table, commits, held, newest, started);
        } catch (RuntimeException e) {
            observer.failed(
                    target.name(),
                    newest.checkpointId(),
                    Duration.ofNanos(System.nanoTime() - started),
                    e.getMessage());
            throw e;
        }
    }

    private void append(
            TableTarget target,
            Table table,
            List<PendingCommit> commits,
            Optional<CommittedPosition> held,
            PendingCommit newest,
            long started) {
        String name = target.name();
        boolean withDeletes =
                commits.stream().anyMatch(commit -> !commit.deleteManifests().isEmpty());
        AppendFiles appendFiles = withDeletes ? null : table.newAppend();
        RowDelta rowDelta = withDeletes ? table.newRowDelta() : null;
        SnapshotUpdate<?> append = withDeletes ? rowDelta : appendFiles;
        int files = 0;
        int deleteFiles = 0;
        long records = 0;
        long bytes = 0;
        List<Long> fileSizes = new ArrayList<>();
        Map<SourcePartition, OffsetLineage.Range> lineage = new TreeMap<>();
        for (PendingCommit commit : commits) {
            for (DataFile file : readManifests(table, name, commit)) {
                if (withDeletes) {
                    rowDelta.addRows(file);
                } else {
                    appendFiles.appendFile(file);
                }
                files++;
                records += file.recordCount();
                bytes += file.fileSizeInBytes();
                fileSizes.add(file.fileSizeInBytes());
            }
            for (DeleteFile file : readDeleteManifests(table, name, commit)) {
                rowDelta.addDeletes(file);
                deleteFiles++;
            }
            lineage = OffsetLineage.merge(lineage, commit.lineage());
        }
        append.set(SnapshotMarkers.PIPELINE, pipelineId);
        append.set(SnapshotMarkers.CHECKPOINT_ID, Long.toString(newest.checkpointId()));
        append.set(SnapshotMarkers.OFFSETS, OffsetsJson.write(newest.offsets()));
        SourceOffsets resume = resumeOffsets(name, newest);
        if (!resume.equals(newest.offsets())) {
            append.set(SnapshotMarkers.RESUME_OFFSETS, OffsetsJson.write(resume));
        }
        append.set(
                SnapshotMarkers.RANGES, ranges(commits.get(0), newest, held.map(CommittedPosition::offsets), lineage));
        try {
            append.commit();
        } catch (CommitStateUnknownException e) {
            if (!landed(target, newest.checkpointId())) {
                // not in the history: the next attempt reads the history again before committing
                throw new RetriableException(
                        IcebergErrorCode.COMMIT_STATE_UNKNOWN,
                        "Cannot tell yet whether checkpoint " + newest.checkpointId() + " of pipeline " + pipelineId
                                + " reached table " + name + ": " + e.getMessage(),
                        e);
            }
            LOG.info(
                    "The commit of checkpoint {} to table {} reported an unknown outcome; its history shows it landed",
                    newest.checkpointId(),
                    name);
        } catch (TableClaim.FencedException e) {
            throw new FatalException(
                    IcebergErrorCode.FENCED,
                    "Cannot commit checkpoint " + newest.checkpointId() + " of pipeline " + pipelineId + " to table "
                            + name + ": " + e.getMessage(),
                    e);
        } catch (CommitFailedException e) {
            throw new RetriableException(
                    IcebergErrorCode.COMMIT_FAILED,
                    "Cannot commit checkpoint " + newest.checkpointId() + " to table " + name + ": " + e.getMessage(),
                    e);
        } catch (ValidationException e) {
            throw new FatalException(
                    IcebergErrorCode.COMMIT_REJECTED,
                    "Cannot commit checkpoint " + newest.checkpointId() + " to table " + name + ": " + e.getMessage(),
                    e);
        } catch (NoSuchTableException e) {
            throw new FatalException(
                    IcebergErrorCode.TABLE_NOT_FOUND,
                    "Cannot commit checkpoint " + newest.checkpointId() + ": table " + name + " no longer exists",
                    e);
        } catch (RuntimeException e) {
            throw new RetriableException(
                    IcebergErrorCode.COMMIT_FAILED,
                    "Cannot commit checkpoint " + newest.checkpointId() + " to table " + name + ": " + e,
                    e);
        }
        tag(table, name);
        observer.committed(new TableCommit(
                name, newest.checkpointId(), records, bytes, Duration.ofNanos(System.nanoTime() - started), fileSizes));
        LOG.info(
                "Committed checkpoint {} of pipeline {} to table {}: {} files, {} rows, {} delete files in {} ms",
                newest.checkpointId(),
                pipelineId,
                name,
                files,
                records,
                deleteFiles,
                (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Where the pipeline could resume if this commit were the last thing that happened: the
     * newest checkpoint's offsets, held back, for each partition a checkpoint still pending for
     * another table (or for this one, beyond this commit) has rows of, to that checkpoint's start.
     */
    private SourceOffsets resumeOffsets(String committing, PendingCommit newest) {
        Map<SourcePartition, Long> resume = new TreeMap<>(newest.offsets().asMap());
        for (Map.Entry<String, List<PendingCommit>> entry : pending.entrySet()) {
            for (PendingCommit other : entry.getValue()) {
                boolean inThisCommit =
                        entry.getKey().equals(committing) && other.checkpointId() <= newest.checkpointId();
                if (inThisCommit) {
                    continue;
                }
                if (other.lineage().isEmpty()) {
                    // written before lineage was kept: any partition may have rows in it
                    other.startOffsets()
                            .asMap()
                            .forEach((partition, offset) -> resume.merge(partition, offset, Math::min));
                } else {
                    // only the partitions it has rows of must be read again for it
                    other.lineage()
                            .forEach((partition, rows) -> resume.merge(
                                    partition,
                                    other.startOffsets().offset(partition).orElse(rows.first()),
                                    Math::min));
                }
            }
        }
        return SourceOffsets.of(resume);
    }

    /**
     * The ranges a commit covers, per partition: {@code [from, to, rows, first, last]}, where
     * {@code from} is where the table's previous commit of the pipeline ended (or the first
     * checkpoint's start), {@code to} where this commit's newest checkpoint ends, and the rows
     * with their first and last offset are those actually written ({@code [from, to, 0]} for none).
     */
    static String ranges(
            PendingCommit oldest,
            PendingCommit newest,
            Optional<SourceOffsets> previous,
            Map<SourcePartition, OffsetLineage.Range> lineage) {
        ObjectNode root = JSON.createObjectNode();
        Set<SourcePartition> partitions = new TreeSet<>(newest.offsets().asMap().keySet());
        partitions.addAll(lineage.keySet());
        for (SourcePartition partition : partitions) {
            long to = newest.offsets().offset(partition).orElse(-1);
            OffsetLineage.Range rows = lineage.get(partition);
            long from = previous.flatMap(offsets -> boxed(offsets.offset(partition)))
                    .orElseGet(() -> oldest.startOffsets().offset(partition).orElse(rows == null ? to : rows.first()));
            ObjectNode topic = root.has(partition.topic())
                    ? (ObjectNode) root.get(partition.topic())
                    : root.putObject(partition.topic());
            var range = topic.putArray(Integer.toString(partition.partition()))
                    .add(from)
                    .add(to);
            if (rows == null) {
                range.add(0);
            } else {
                range.add(rows.rows()).add(rows.first()).add(rows.last());
            }
        }
        return root.toString();
    }

    private static Optional<Long> boxed(java.util.OptionalLong value) {
        return value.isPresent() ? Optional.of(value.getAsLong()) : Optional.empty();
    }

    /** Whether the table's history holds {@code checkpointId} of this pipeline. */
    private boolean landed(TableTarget target, long checkpointId) {
        Table table;
        try {
            table = refreshedTable(target);
        } catch (RetriableException e) {
            return false;
        }
        Optional<CommittedPosition> latest = SnapshotMarkers.latest(table, sink.pipelineIds());
        return latest.isPresent() && latest.get().checkpointId() >= checkpointId;
    }

    /** Points the pipeline's tag at its newest commit, so snapshot expiry cannot erase the marker. */
    private void tag(Table table, String name) {
        String tag = SnapshotMarkers.tag(pipelineId);
        try {
            table.refresh();
            Optional<Snapshot> newest = SnapshotMarkers.newestSnapshot(table, List.of(pipelineId));
            if (newest.isEmpty()) {
                return;
            }
            SnapshotRef ref = table.refs().get(tag);
            if (ref != null && ref.snapshotId() == newest.get().snapshotId()) {
                return;
            }
            if (ref != null) {
                table.manageSnapshots()
                        .replaceTag(tag, newest.get().snapshotId())
                        .commit();
            } else {
                table.manageSnapshots()
                        .createTag(tag, newest.get().snapshotId())
                        .commit();
            }
        } catch (TableClaim.FencedException e) {
            throw new FatalException(
                    IcebergErrorCode.FENCED, "Cannot move tag " + tag + " of table " + name + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // the next commit moves the tag; until then the history still holds the marker
            LOG.warn("Cannot move tag {} of table {}: {}", tag, name, e.toString());
        }
    }

    private List<DataFile> readManifests(Table table, String name, PendingCommit commit) {
        List<DataFile> files = new ArrayList<>();
        for (PendingCommit.EncodedManifest encoded : commit.manifests()) {
            try {
                ManifestFile manifest = ManifestFiles.decode(encoded.bytes());
                try (ManifestReader<DataFile> reader = ManifestFiles.read(manifest, table.io(), table.specs())) {
                    for (DataFile file : reader) {
                        files.add(file.copy());
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                throw new RetriableException(
                        IcebergErrorCode.COMMIT_FAILED,
                        "Cannot read the manifest of checkpoint " + commit.checkpointId() + " of table " + name + ": "
                                + e,
                        e);
            }
        }
        return files;
    }

    private List<DeleteFile> readDeleteManifests(Table table, String name, PendingCommit commit) {
        List<DeleteFile> files = new ArrayList<>();
        for (PendingCommit.EncodedManifest encoded : commit.deleteManifests()) {
            try {
                ManifestFile manifest = ManifestFiles.decode(encoded.bytes());
                try (ManifestReader<DeleteFile> reader =
                        ManifestFiles.readDeleteManifest(manifest, table.io(), table.specs())) {
                    for (DeleteFile file : reader) {
                        files.add(file.copy());
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                throw new RetriableException(
                        IcebergErrorCode.COMMIT_FAILED,
                        "Cannot read the delete manifest of checkpoint " + commit.checkpointId() + " of table " + name
                                + ": " + e,
                        e);
            }
        }
        return files;
    }

    private void deleteManifests(Table table, String name, PendingCommit commit) {
        List<PendingCommit.EncodedManifest> all = new ArrayList<>(commit.manifests());
        all.addAll(commit.deleteManifests());
        for (PendingCommit.EncodedManifest encoded : all) {
            try {
                table.io().deleteFile(ManifestFiles.decode(encoded.bytes()).path());
            } catch (IOException | RuntimeException e) {
                LOG.debug("Cannot delete a committed checkpoint's manifest of table {}: {}", name, e.toString());
            }
        }
    }

    private Table refreshedTable(TableTarget target) {
        String name = target.name();
        target.loadIfExists();
        Table table = target.table();
        if (table == null) {
            throw new FatalException(
                    IcebergErrorCode.TABLE_NOT_FOUND,
                    "Cannot commit to table " + name + " of pipeline " + pipelineId + ": it does not exist");
        }
        try {
            table.refresh();
        } catch (NoSuchTableException e) {
            throw new FatalException(
                    IcebergErrorCode.TABLE_NOT_FOUND,
                    "Cannot commit to table " + name + " of pipeline " + pipelineId + ": it was dropped",
                    e);
        } catch (RuntimeException e) {
            refuseReplacedTable(name, table, e);
            throw new RetriableException(
                    IcebergErrorCode.CATALOG_UNAVAILABLE, "Cannot read table " + name + ": " + e.getMessage(), e);
        }
        return table;
    }

    /**
     * Stops the pipeline when a refresh failed because the table was dropped and re-created: Iceberg
     * refuses to refresh a table onto metadata of another uuid, which would otherwise look like a
     * catalog outage and be retried for ever.
     */
    private void refuseReplacedTable(String name, Table table, RuntimeException refreshFailure) {
        Table current;
        try {
            current = sink.catalog().loadTable(TableIdentifier.parse(name));
        } catch (NoSuchTableException e) {
            throw new FatalException(
                    IcebergErrorCode.TABLE_NOT_FOUND,
                    "Cannot commit to table " + name + " of pipeline " + pipelineId + ": it was dropped",
                    e);
        } catch (RuntimeException e) {
            return;
        }
        if (!current.uuid().equals(table.uuid())) {
            List<Long> checkpoints = new ArrayList<>();
            pending.getOrDefault(name, List.of()).forEach(commit -> checkpoints.add(commit.checkpointId()));
            throw new FatalException(
                    IcebergErrorCode.TABLE_REPLACED,
                    "Cannot commit checkpoint" + (checkpoints.size() == 1 ? " " : "s ")
                            + checkpoints.stream().map(String::valueOf).collect(Collectors.joining(", "))
                            + " of pipeline " + pipelineId + " to table " + name
                            + ": the table was dropped and re-created (uuid " + table.uuid() + " is now "
                            + current.uuid() + "); its offsets belong to the old table. Remove the pipeline's"
                            + " checkpoints to start the new table afresh.",
                    refreshFailure);
        }
    }

    @Override
    public synchronized void restore(CheckpointInfo checkpoint, byte[] state) {
        Map<String, PendingCommitsCodec.TableState> restored;
        try {
            restored = PendingCommitsCodec.decode(state);
        } catch (IllegalArgumentException e) {
            throw new FatalException(
                    IcebergErrorCode.PENDING_STATE_CORRUPT,
                    "Cannot restore the pending commits of checkpoint " + checkpoint.checkpointId() + " of pipeline "
                            + pipelineId + ": " + e.getMessage(),
                    e);
        }
        for (Map.Entry<String, PendingCommitsCodec.TableState> entry : restored.entrySet()) {
            String expected = entry.getValue().tableUuid();
            if (expected == null) {
                continue;
            }
            TableTarget target = sink.target(entry.getKey());
            Table table = target.loadIfExists() ? target.table() : null;
            if (table == null || !expected.equals(table.uuid().toString())) {
                String now = table == null ? "no table" : "uuid " + table.uuid();
                throw new FatalException(
                        IcebergErrorCode.TABLE_REPLACED,
                        "Cannot resume pipeline " + pipelineId + " from checkpoint " + checkpoint.checkpointId()
                                + ": table " + entry.getKey() + " was dropped or re-created since (checkpoint has"
                                + " uuid " + expected + ", the catalog has " + now + "), so the"
                                + " checkpoint's offsets do not describe it. Remove the pipeline's checkpoints to"
                                + " ingest into the new table from its own state.");
            }
        }
        pending.clear();
        tableUuids.clear();
        firstRows.clear();
        restoredTables.clear();
        restored.forEach((name, table) -> {
            if (!table.pending().isEmpty()) {
                pending.put(name, new ArrayList<>(table.pending()));
                // their rows arrived before the checkpoint; the next commit commits them anyway
                ConcurrentSkipListMap<Long, Long> rows = new ConcurrentSkipListMap<>();
                table.pending()
                        .forEach(commit -> rows.put(
                                commit.checkpointId(), checkpoint.timestamp().toEpochMilli()));
                firstRows.put(name, rows);
                restoredTables.add(name);
            }
            if (table.tableUuid() != null) {
                tableUuids.put(name, table.tableUuid());
            }
        });
    }

    @Override
    public synchronized int pendingCheckpoints() {
        Set<Long> ids = new TreeSet<>();
        pending.values().forEach(commits -> commits.forEach(commit -> ids.add(commit.checkpointId())));
        return ids.size();
    }

    synchronized int pendingCheckpoints(String table) {
        List<PendingCommit> commits = pending.get(table);
        return commits == null ? 0 : commits.size();
    }
}
