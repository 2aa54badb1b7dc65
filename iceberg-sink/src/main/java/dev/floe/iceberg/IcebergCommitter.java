package dev.floe.iceberg;

import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.sink.CheckpointInfo;
import dev.floe.engine.spi.sink.CommitObserver;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.SinkCommitter;
import dev.floe.engine.spi.sink.TableCommit;
import dev.floe.engine.spi.sink.WriteResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.ManifestWriter;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.OutputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a pipeline's data files to its table, exactly once.
 *
 * <p>At {@link #prepare} the files of a checkpoint are listed in manifests next to the table's
 * metadata, so they can be committed after any restart. At {@link #commit} the table itself says
 * what is committed: the newest snapshot with this pipeline's {@code floe.pipeline} carries the
 * last {@code floe.checkpoint-id}; everything up to it is skipped, everything after it is committed
 * in one append, with the checkpoint's id and offsets in the summary, and the {@code
 * floe-<pipeline>} tag moved to it. A commit whose outcome is unknown is resolved by reading the
 * table's history, never by committing blindly again.
 */
final class IcebergCommitter implements SinkCommitter {
    private static final Logger LOG = LoggerFactory.getLogger(IcebergCommitter.class);
    /**
     * The snapshot id written into a pending manifest: encoding a manifest needs one, and the files
     * are appended one by one at commit, where they get the real snapshot's id.
     */
    private static final long UNCOMMITTED_SNAPSHOT_ID = 0L;

    private final String pipelineId;
    private final IcebergSink sink;
    private final CommitObserver observer;
    private final List<PendingCommit> pending = new ArrayList<>();

    IcebergCommitter(String pipelineId, IcebergSink sink, CommitObserver observer) {
        this.pipelineId = pipelineId;
        this.sink = sink;
        this.observer = observer;
    }

    @Override
    public synchronized byte[] prepare(CheckpointInfo checkpoint, List<WriteResult> results) {
        List<DataFile> files = new ArrayList<>();
        long records = 0;
        long bytes = 0;
        for (WriteResult result : results) {
            IcebergWriteResult written = (IcebergWriteResult) result;
            files.addAll(written.files());
            records += written.records();
            bytes += written.bytes();
        }
        if (!files.isEmpty()) {
            Table table = sink.table();
            pending.add(new PendingCommit(
                    checkpoint.checkpointId(),
                    checkpoint.offsets(),
                    table.uuid().toString(),
                    writeManifests(table, checkpoint.checkpointId(), files),
                    files.size(),
                    records,
                    bytes));
        }
        Table table = sink.table();
        return PendingCommitsCodec.encode(
                sink.tableName(), table == null ? null : table.uuid().toString(), pending);
    }

    /** Lists the files in one manifest per partition spec, next to the table's metadata. */
    private List<PendingCommit.EncodedManifest> writeManifests(Table table, long checkpointId, List<DataFile> files) {
        Map<Integer, List<DataFile>> bySpec = new HashMap<>();
        for (DataFile file : files) {
            bySpec.computeIfAbsent(file.specId(), id -> new ArrayList<>()).add(file);
        }
        int formatVersion = TableUtil.formatVersion(table);
        List<PendingCommit.EncodedManifest> manifests = new ArrayList<>();
        String prefix = "floe-" + pipelineId + "-" + checkpointId + "-" + UUID.randomUUID();
        int index = 0;
        for (Map.Entry<Integer, List<DataFile>> group : bySpec.entrySet()) {
            PartitionSpec spec = table.specs().get(group.getKey());
            String location =
                    ((HasTableOperations) table).operations().metadataFileLocation(prefix + "-m" + index++ + ".avro");
            OutputFile output = table.io().newOutputFile(location);
            try {
                ManifestWriter<DataFile> writer =
                        ManifestFiles.write(formatVersion, spec, output, UNCOMMITTED_SNAPSHOT_ID);
                try (writer) {
                    group.getValue().forEach(writer::add);
                }
                manifests.add(new PendingCommit.EncodedManifest(ManifestFiles.encode(writer.toManifestFile())));
            } catch (IOException | UncheckedIOException e) {
                throw new RetriableException(
                        IcebergErrorCode.WRITE_FAILED,
                        "Cannot write the manifest of checkpoint " + checkpointId + " of table " + sink.tableName()
                                + " to " + location + ": " + e,
                        e);
            }
        }
        return manifests;
    }

    @Override
    public synchronized void commit(long checkpointId) {
        List<PendingCommit> due = new ArrayList<>();
        for (PendingCommit commit : pending) {
            if (commit.checkpointId() <= checkpointId) {
                due.add(commit);
            }
        }
        if (due.isEmpty()) {
            return;
        }
        Table table = refreshedTable();
        for (PendingCommit commit : due) {
            if (!commit.tableUuid().equals(table.uuid().toString())) {
                throw new FatalException(
                        IcebergErrorCode.TABLE_REPLACED,
                        "Cannot commit checkpoint " + commit.checkpointId() + " of pipeline " + pipelineId
                                + " to table "
                                + sink.tableName() + ": the table was dropped and re-created (uuid "
                                + commit.tableUuid() + " is now " + table.uuid() + "); its offsets belong to the old"
                                + " table. Remove the pipeline's checkpoints to start the new table afresh.");
            }
        }
        long committed = SnapshotMarkers.latest(table, pipelineId)
                .map(CommittedPosition::checkpointId)
                .orElse(0L);
        List<PendingCommit> toCommit = new ArrayList<>();
        for (PendingCommit commit : due) {
            if (commit.checkpointId() > committed) {
                toCommit.add(commit);
            } else {
                LOG.info(
                        "Table {} already holds checkpoint {} of pipeline {}; not committing it again",
                        sink.tableName(),
                        commit.checkpointId(),
                        pipelineId);
            }
        }
        if (!toCommit.isEmpty()) {
            append(table, toCommit);
        }
        for (PendingCommit commit : due) {
            deleteManifests(table, commit);
        }
        pending.removeAll(due);
    }

    private void append(Table table, List<PendingCommit> commits) {
        long started = System.nanoTime();
        PendingCommit newest = commits.get(commits.size() - 1);
        try {
            append(table, commits, newest, started);
        } catch (RuntimeException e) {
            observer.failed(
                    sink.tableName(),
                    newest.checkpointId(),
                    Duration.ofNanos(System.nanoTime() - started),
                    e.getMessage());
            throw e;
        }
    }

    private void append(Table table, List<PendingCommit> commits, PendingCommit newest, long started) {
        AppendFiles append = table.newAppend();
        int files = 0;
        long records = 0;
        long bytes = 0;
        List<Long> fileSizes = new ArrayList<>();
        for (PendingCommit commit : commits) {
            for (DataFile file : readManifests(table, commit)) {
                append.appendFile(file);
                files++;
                records += file.recordCount();
                bytes += file.fileSizeInBytes();
                fileSizes.add(file.fileSizeInBytes());
            }
        }
        append.set(SnapshotMarkers.PIPELINE, pipelineId);
        append.set(SnapshotMarkers.CHECKPOINT_ID, Long.toString(newest.checkpointId()));
        append.set(SnapshotMarkers.OFFSETS, OffsetsJson.write(newest.offsets()));
        try {
            append.commit();
        } catch (CommitStateUnknownException e) {
            if (!landed(newest.checkpointId())) {
                // not in the history: the next attempt reads the history again before committing
                throw new RetriableException(
                        IcebergErrorCode.COMMIT_STATE_UNKNOWN,
                        "Cannot tell yet whether checkpoint " + newest.checkpointId() + " of pipeline " + pipelineId
                                + " reached table " + sink.tableName() + ": " + e.getMessage(),
                        e);
            }
            LOG.info(
                    "The commit of checkpoint {} to table {} reported an unknown outcome; its history shows it landed",
                    newest.checkpointId(),
                    sink.tableName());
        } catch (CommitFailedException e) {
            throw new RetriableException(
                    IcebergErrorCode.COMMIT_FAILED,
                    "Cannot commit checkpoint " + newest.checkpointId() + " to table " + sink.tableName() + ": "
                            + e.getMessage(),
                    e);
        } catch (ValidationException e) {
            throw new FatalException(
                    IcebergErrorCode.COMMIT_REJECTED,
                    "Cannot commit checkpoint " + newest.checkpointId() + " to table " + sink.tableName() + ": "
                            + e.getMessage(),
                    e);
        } catch (NoSuchTableException e) {
            throw new FatalException(
                    IcebergErrorCode.TABLE_NOT_FOUND,
                    "Cannot commit checkpoint " + newest.checkpointId() + ": table " + sink.tableName()
                            + " no longer exists",
                    e);
        } catch (RuntimeException e) {
            throw new RetriableException(
                    IcebergErrorCode.COMMIT_FAILED,
                    "Cannot commit checkpoint " + newest.checkpointId() + " to table " + sink.tableName() + ": " + e,
                    e);
        }
        tag(table);
        observer.committed(new TableCommit(
                sink.tableName(),
                newest.checkpointId(),
                records,
                bytes,
                Duration.ofNanos(System.nanoTime() - started),
                fileSizes));
        LOG.info(
                "Committed checkpoint {} of pipeline {} to table {}: {} files, {} rows in {} ms",
                newest.checkpointId(),
                pipelineId,
                sink.tableName(),
                files,
                records,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Whether the table's history holds {@code checkpointId} of this pipeline. */
    private boolean landed(long checkpointId) {
        Table table;
        try {
            table = refreshedTable();
        } catch (RetriableException e) {
            return false;
        }
        Optional<CommittedPosition> latest = SnapshotMarkers.latest(table, pipelineId);
        return latest.isPresent() && latest.get().checkpointId() >= checkpointId;
    }

    /** Points the pipeline's tag at its newest commit, so snapshot expiry cannot erase the marker. */
    private void tag(Table table) {
        String tag = SnapshotMarkers.tag(pipelineId);
        try {
            table.refresh();
            Snapshot newest = null;
            for (Snapshot snapshot = table.currentSnapshot();
                    snapshot != null;
                    snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
                if (pipelineId.equals(snapshot.summary().get(SnapshotMarkers.PIPELINE))) {
                    newest = snapshot;
                    break;
                }
            }
            if (newest == null) {
                return;
            }
            if (table.refs().containsKey(tag)) {
                table.manageSnapshots().replaceTag(tag, newest.snapshotId()).commit();
            } else {
                table.manageSnapshots().createTag(tag, newest.snapshotId()).commit();
            }
        } catch (RuntimeException e) {
            // the next commit moves the tag; until then the history still holds the marker
            LOG.warn("Cannot move tag {} of table {}: {}", tag, sink.tableName(), e.toString());
        }
    }

    private List<DataFile> readManifests(Table table, PendingCommit commit) {
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
                        "Cannot read the manifest of checkpoint " + commit.checkpointId() + " of table "
                                + sink.tableName() + ": " + e,
                        e);
            }
        }
        return files;
    }

    private void deleteManifests(Table table, PendingCommit commit) {
        for (PendingCommit.EncodedManifest encoded : commit.manifests()) {
            try {
                table.io().deleteFile(ManifestFiles.decode(encoded.bytes()).path());
            } catch (IOException | RuntimeException e) {
                LOG.debug(
                        "Cannot delete a committed checkpoint's manifest of table {}: {}",
                        sink.tableName(),
                        e.toString());
            }
        }
    }

    private Table refreshedTable() {
        Table table = sink.table();
        if (table == null) {
            throw new FatalException(
                    IcebergErrorCode.TABLE_NOT_FOUND,
                    "Cannot commit to table " + sink.tableName() + " of pipeline " + pipelineId
                            + ": it does not exist");
        }
        try {
            table.refresh();
        } catch (NoSuchTableException e) {
            throw new FatalException(
                    IcebergErrorCode.TABLE_NOT_FOUND,
                    "Cannot commit to table " + sink.tableName() + " of pipeline " + pipelineId + ": it was dropped",
                    e);
        } catch (RuntimeException e) {
            throw new RetriableException(
                    IcebergErrorCode.CATALOG_UNAVAILABLE,
                    "Cannot read table " + sink.tableName() + ": " + e.getMessage(),
                    e);
        }
        return table;
    }

    @Override
    public synchronized void restore(CheckpointInfo checkpoint, byte[] state) {
        PendingCommitsCodec.State restored;
        try {
            restored = PendingCommitsCodec.decode(state);
        } catch (IllegalArgumentException e) {
            throw new FatalException(
                    IcebergErrorCode.PENDING_STATE_CORRUPT,
                    "Cannot restore the pending commits of checkpoint " + checkpoint.checkpointId() + " of pipeline "
                            + pipelineId + ": " + e.getMessage(),
                    e);
        }
        Table table = sink.table();
        if (restored.tableUuid() != null) {
            String now = table == null ? "no table" : "uuid " + table.uuid();
            if (table == null || !restored.tableUuid().equals(table.uuid().toString())) {
                throw new FatalException(
                        IcebergErrorCode.TABLE_REPLACED,
                        "Cannot resume pipeline " + pipelineId + " from checkpoint " + checkpoint.checkpointId()
                                + ": table " + sink.tableName() + " was dropped or re-created since (checkpoint has"
                                + " uuid " + restored.tableUuid() + ", the catalog has " + now + "), so the"
                                + " checkpoint's offsets do not describe it. Remove the pipeline's checkpoints to"
                                + " ingest into the new table from its own state.");
            }
        }
        pending.clear();
        pending.addAll(restored.pending());
    }

    @Override
    public synchronized int pendingCheckpoints() {
        return pending.size();
    }
}
