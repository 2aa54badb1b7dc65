package dev.floe.iceberg;

import dev.floe.engine.spi.sink.CommittedPosition;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;

/**
 * What a table says a pipeline committed: the {@code floe.*} properties of the newest snapshot
 * that pipeline wrote, found by walking the current snapshot's ancestors, or through the {@code
 * floe-<pipeline>} tag when expiry removed them from the history.
 */
public final class SnapshotMarkers {
    public static final String PIPELINE = "floe.pipeline";
    public static final String CHECKPOINT_ID = "floe.checkpoint-id";
    public static final String OFFSETS = "floe.offsets";

    private SnapshotMarkers() {}

    /** The tag that always points at a pipeline's newest commit, so expiry cannot erase it. */
    public static String tag(String pipelineId) {
        return "floe-" + pipelineId;
    }

    public static Optional<CommittedPosition> latest(Table table, String pipelineId) {
        Optional<CommittedPosition> fromHistory = Optional.empty();
        for (Snapshot snapshot = table.currentSnapshot();
                snapshot != null;
                snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
            if (pipelineId.equals(snapshot.summary().get(PIPELINE))) {
                fromHistory = Optional.of(position(table, snapshot));
                break;
            }
        }
        Optional<CommittedPosition> fromTag = Optional.empty();
        SnapshotRef ref = table.refs().get(tag(pipelineId));
        if (ref != null && table.snapshot(ref.snapshotId()) != null) {
            Snapshot tagged = table.snapshot(ref.snapshotId());
            if (pipelineId.equals(tagged.summary().get(PIPELINE))) {
                fromTag = Optional.of(position(table, tagged));
            }
        }
        if (fromHistory.isPresent() && fromTag.isPresent()) {
            return fromHistory.get().checkpointId() >= fromTag.get().checkpointId() ? fromHistory : fromTag;
        }
        return fromHistory.isPresent() ? fromHistory : fromTag;
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
