package dev.floe.deploy.audit;

import dev.floe.engine.spi.sink.SourcePartition;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One snapshot Floe committed to a table, as its summary describes it.
 *
 * @param snapshotId the snapshot
 * @param committedAtMillis when it was committed
 * @param pipeline the pipeline that committed it ({@code floe.pipeline})
 * @param checkpointId its checkpoint ({@code floe.checkpoint-id})
 * @param ranges its lineage ({@code floe.ranges}), by source partition
 */
record FloeCommit(
        long snapshotId,
        long committedAtMillis,
        String pipeline,
        long checkpointId,
        Map<SourcePartition, Coverage> ranges) {
    FloeCommit {
        Objects.requireNonNull(pipeline, "pipeline");
        ranges = Map.copyOf(new TreeMap<>(ranges));
    }
}
