package dev.floe.deploy.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.iceberg.SnapshotMarkers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * A table's Floe commits, read from the summaries of the current snapshot's ancestors. Snapshots
 * that rewrite files (compaction's {@code replace}) carry the newest {@code floe.*} summary
 * forward without adding rows, so they are not commits; snapshots of other writers have no {@code
 * floe.pipeline} and are passed over.
 *
 * @param commits the commits of the pipelines asked for, oldest first
 * @param snapshots the ancestors read
 * @param unreadable findings for snapshots whose {@code floe.ranges} cannot be read
 */
public record CommitHistory(List<FloeCommit> commits, int snapshots, List<Finding> unreadable) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public CommitHistory {
        commits = List.copyOf(commits);
        unreadable = List.copyOf(unreadable);
    }

    /**
     * The commits of any of {@code pipelineIds} and of their replays ({@code floe replay}), every
     * pipeline's when empty, in {@code table}.
     */
    static CommitHistory read(String name, Table table, Collection<String> pipelineIds) {
        List<FloeCommit> commits = new ArrayList<>();
        List<Finding> unreadable = new ArrayList<>();
        int snapshots = 0;
        for (Snapshot snapshot = table.currentSnapshot();
                snapshot != null;
                snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
            snapshots++;
            Map<String, String> summary = snapshot.summary();
            String pipeline = summary.get(SnapshotMarkers.PIPELINE);
            if (pipeline == null
                    || DataOperations.REPLACE.equals(snapshot.operation())
                    || !(pipelineIds.isEmpty() || SnapshotMarkers.isLineageOf(pipeline, pipelineIds))) {
                continue;
            }
            String ranges = summary.get(SnapshotMarkers.RANGES);
            if (ranges == null) {
                // committed before Floe kept lineage: nothing to check it against
                continue;
            }
            try {
                commits.add(new FloeCommit(
                        snapshot.snapshotId(),
                        snapshot.timestampMillis(),
                        pipeline,
                        Long.parseLong(summary.get(SnapshotMarkers.CHECKPOINT_ID)),
                        parseRanges(ranges)));
            } catch (RuntimeException e) {
                unreadable.add(new Finding(
                        Finding.Kind.UNREADABLE_SUMMARY,
                        name,
                        null,
                        -1,
                        -1,
                        snapshot.snapshotId(),
                        "Cannot read the floe.* summary of snapshot " + snapshot.snapshotId() + ": " + e.getMessage()));
            }
        }
        Collections.reverse(commits);
        return new CommitHistory(commits, snapshots, unreadable);
    }

    /**
     * Reads {@code floe.ranges}: {@code {"topic":{"0":[from, to, rows, first, last]}}}, where a
     * partition without rows has only {@code [from, to, 0]}.
     */
    public static Map<SourcePartition, Coverage> parseRanges(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("floe.ranges is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("floe.ranges is not a JSON object: " + text);
        }
        Map<SourcePartition, Coverage> ranges = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> topics = root.fields(); topics.hasNext(); ) {
            Map.Entry<String, JsonNode> topic = topics.next();
            for (Iterator<Map.Entry<String, JsonNode>> partitions =
                            topic.getValue().fields();
                    partitions.hasNext(); ) {
                Map.Entry<String, JsonNode> partition = partitions.next();
                SourcePartition source = new SourcePartition(topic.getKey(), Integer.parseInt(partition.getKey()));
                JsonNode range = partition.getValue();
                boolean withRows =
                        range.isArray() && range.size() == 5 && range.get(2).asLong() > 0;
                boolean withoutRows =
                        range.isArray() && range.size() == 3 && range.get(2).asLong() == 0;
                if (!withRows && !withoutRows) {
                    throw new IllegalArgumentException("the range of " + source
                            + " is not [from, to, rows, first, last] or [from, to, 0]: " + range);
                }
                ranges.put(
                        source,
                        new Coverage(
                                range.get(0).asLong(),
                                range.get(1).asLong(),
                                range.get(2).asLong(),
                                withRows ? range.get(3).asLong() : -1,
                                withRows ? range.get(4).asLong() : -1));
            }
        }
        return ranges;
    }
}
