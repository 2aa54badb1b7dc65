package dev.floe.deploy.replay;

import dev.floe.deploy.audit.CommitHistory;
import dev.floe.deploy.audit.Coverage;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.iceberg.SnapshotMarkers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * What a table's history says for a replay: the offsets every Floe commit covers ({@code
 * floe.ranges}, whoever the writer), where the live pipeline's newest commit ends ({@code
 * floe.offsets}), and, when snapshot expiry cut the history, the lowest offset it still speaks for.
 *
 * @param covered per partition, the covered ranges
 * @param live per partition, the live pipeline's committed position
 * @param knownFrom per partition, the lowest covered offset when the history was cut; else empty
 */
record TableLineage(
        Map<SourcePartition, List<OffsetRange>> covered,
        Map<SourcePartition, Long> live,
        Map<SourcePartition, Long> knownFrom) {

    /**
     * Reads {@code table}'s history.
     *
     * @throws IllegalStateException when a Floe commit carries no lineage ({@code floe.ranges}): what
     *     it covers is unknown, so nothing can be replayed without risking duplicates
     */
    static TableLineage read(String name, Table table, List<String> pipelineIds) {
        Map<SourcePartition, List<OffsetRange>> covered = new HashMap<>();
        Map<SourcePartition, Long> lowest = new HashMap<>();
        boolean cut = false;
        for (Snapshot snapshot = table.currentSnapshot(); snapshot != null; ) {
            Map<String, String> summary = snapshot.summary();
            String writer = summary.get(SnapshotMarkers.PIPELINE);
            if (writer != null && !DataOperations.REPLACE.equals(snapshot.operation())) {
                String ranges = summary.get(SnapshotMarkers.RANGES);
                if (ranges == null) {
                    throw new IllegalStateException("Cannot plan a replay into table " + name + ": snapshot "
                            + snapshot.snapshotId() + " of " + writer + " has no floe.ranges (written before Floe"
                            + " kept lineage), so what it holds is unknown");
                }
                for (Map.Entry<SourcePartition, Coverage> entry :
                        CommitHistory.parseRanges(ranges).entrySet()) {
                    Coverage range = entry.getValue();
                    if (range.to() > range.from()) {
                        covered.computeIfAbsent(entry.getKey(), p -> new ArrayList<>())
                                .add(new OffsetRange(range.from(), range.to()));
                        lowest.merge(entry.getKey(), range.from(), Math::min);
                    }
                }
            }
            if (snapshot.parentId() == null) {
                break;
            }
            Snapshot parent = table.snapshot(snapshot.parentId());
            if (parent == null) {
                // expired: older commits may have covered offsets this history no longer shows
                cut = true;
            }
            snapshot = parent;
        }
        Map<SourcePartition, Long> live = new HashMap<>();
        Optional<CommittedPosition> position = SnapshotMarkers.latest(table, pipelineIds);
        position.ifPresent(p -> live.putAll(p.offsets().asMap()));
        return new TableLineage(covered, live, cut ? lowest : Map.of());
    }
}
