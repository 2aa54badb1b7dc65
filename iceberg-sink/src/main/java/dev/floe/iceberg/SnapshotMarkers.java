package dev.floe.iceberg;

import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.SourceOffsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;

/**
 * What a table says a pipeline committed: the {@code floe.*} properties of the newest snapshot
 * that pipeline wrote (under its id or an id it had before a rename), found by walking the current
 * snapshot's ancestors, or through the {@code floe-<pipeline>} tag when expiry removed them from
 * the history.
 */
public final class SnapshotMarkers {
    public static final String PIPELINE = "floe.pipeline";
    public static final String CHECKPOINT_ID = "floe.checkpoint-id";
    public static final String OFFSETS = "floe.offsets";
    /**
     * Where the pipeline may resume without a checkpoint: below these offsets every table the
     * pipeline writes held every record routed to it when this snapshot was committed. Written only
     * where it differs from {@link #OFFSETS}.
     */
    public static final String RESUME_OFFSETS = "floe.resume-offsets";
    /** The offset ranges this commit covers, with the rows and their first and last offset. */
    public static final String RANGES = "floe.ranges";

    /** What separates a pipeline's id from a replay run's in the replay's writer id. */
    public static final String REPLAY_SEPARATOR = ".replay-";

    private SnapshotMarkers() {}

    /**
     * The writer id of one {@code floe replay} run of {@code pipelineId}: its commits are not the
     * pipeline's (its recovery, resume offsets and claim ignore them), yet they are part of the
     * table's lineage, which {@link #isLineageOf} tells.
     */
    public static String replayWriter(String pipelineId, String runId) {
        return pipelineId + REPLAY_SEPARATOR + runId;
    }

    /** Whether a commit by {@code writer} belongs to the lineage of one of {@code pipelineIds}: theirs or a replay's. */
    public static boolean isLineageOf(String writer, java.util.Collection<String> pipelineIds) {
        return writer != null && pipelineIds.contains(pipelineOf(writer));
    }

    /** The pipeline a writer writes for: itself, or the pipeline a replay writer replays. */
    public static String pipelineOf(String writer) {
        int separator = writer.lastIndexOf(REPLAY_SEPARATOR);
        return separator > 0 ? writer.substring(0, separator) : writer;
    }

    /** The tag that always points at a pipeline's newest commit, so expiry cannot erase it. */
    public static String tag(String pipelineId) {
        return "floe-" + pipelineId;
    }

    public static Optional<CommittedPosition> latest(Table table, String pipelineId) {
        return latest(table, List.of(pipelineId));
    }

    /** The newest commit of any of {@code pipelineIds} (a pipeline's id and its former ids). */
    public static Optional<CommittedPosition> latest(Table table, List<String> pipelineIds) {
        return newestSnapshot(table, pipelineIds).map(snapshot -> position(table, snapshot));
    }

    /** The resume offsets of the pipeline's newest commit, when it recorded ones of its own. */
    static Optional<SourceOffsets> resumeOffsets(Table table, List<String> pipelineIds) {
        return newestSnapshot(table, pipelineIds)
                .map(snapshot -> snapshot.summary().get(RESUME_OFFSETS))
                .map(OffsetsJson::read);
    }

    /**
     * Whether {@code snapshot} is a commit of one of {@code pipelineIds}; false for snapshots of
     * other writers, which carry no {@code floe.pipeline} (and which immutable lists cannot even be
     * asked about: their {@code contains(null)} throws).
     */
    public static boolean isCommitOf(Snapshot snapshot, List<String> pipelineIds) {
        String pipeline = snapshot.summary().get(PIPELINE);
        return pipeline != null && pipelineIds.contains(pipeline);
    }

    static Optional<Snapshot> newestSnapshot(Table table, List<String> pipelineIds) {
        Snapshot fromHistory = null;
        for (Snapshot snapshot = table.currentSnapshot();
                snapshot != null;
                snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
            if (isCommitOf(snapshot, pipelineIds)) {
                fromHistory = snapshot;
                break;
            }
        }
        Snapshot newest = fromHistory;
        for (String id : pipelineIds) {
            SnapshotRef ref = table.refs().get(tag(id));
            Snapshot tagged = ref == null ? null : table.snapshot(ref.snapshotId());
            if (tagged != null
                    && isCommitOf(tagged, pipelineIds)
                    && (newest == null || checkpointId(table, tagged) > checkpointId(table, newest))) {
                newest = tagged;
            }
        }
        return Optional.ofNullable(newest);
    }

    private static long checkpointId(Table table, Snapshot snapshot) {
        return position(table, snapshot).checkpointId();
    }

    private static CommittedPosition position(Table table, Snapshot snapshot) {
        Map<String, String> summary = snapshot.summary();
        try {
            return new CommittedPosition(
                    Long.parseLong(summary.get(CHECKPOINT_ID)), OffsetsJson.read(summary.get(OFFSETS)));
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "Cannot read the floe.* summary of snapshot " + snapshot.snapshotId() + " of table " + table.name()
                            + ": " + e.getMessage(),
                    e);
        }
    }
}
