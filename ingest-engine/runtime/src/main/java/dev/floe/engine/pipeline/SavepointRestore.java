package dev.floe.engine.pipeline;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.api.PipelineDefinition;
import dev.floe.engine.checkpoint.Savepoint;
import dev.floe.engine.checkpoint.StoredCheckpoint;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where a pipeline started from a savepoint begins, decided against what its table holds.
 *
 * <ul>
 *   <li>The table holds no more than the savepoint: restore its state and offsets; records the
 *       table holds already are skipped as after any checkpoint.
 *   <li>The table is ahead (a newer checkpoint id, or an offset beyond the savepoint's) and the
 *       pipeline keeps keyed state: refused, since the state would count the records in between a
 *       second time.
 *   <li>The table is ahead and the pipeline is stateless: resume from the table's offsets, as
 *       without any checkpoint; the savepoint adds nothing.
 * </ul>
 *
 * New checkpoints are numbered after the savepoint's, the table's and any in checkpoint storage, so
 * that no id is used twice.
 *
 * @param plan where to start
 * @param description what was decided, for the log
 */
record SavepointRestore(StartPlan plan, String description) {

    static SavepointRestore plan(
            PipelineDefinition definition,
            Savepoint savepoint,
            List<SourcePartition> partitions,
            Optional<StoredCheckpoint> latest,
            Optional<CommittedPosition> committed,
            SourceOffsets deadLettersDelivered,
            Supplier<SourceOffsets> groupOffsets) {
        StoredCheckpoint checkpoint = savepoint.checkpoint();
        long floor = Math.max(
                checkpoint.checkpointId(),
                latest.map(StoredCheckpoint::checkpointId).orElse(0L));
        boolean ahead = committed.map(position -> isAhead(position, checkpoint)).orElse(false);
        if (ahead && definition.isKeyed()) {
            CommittedPosition position = committed.get();
            throw new FatalException(
                    EngineErrorCode.SAVEPOINT_BEHIND_TABLE,
                    "Cannot restore pipeline " + definition.id() + " from savepoint " + savepoint.describe()
                            + " (checkpoint " + checkpoint.checkpointId() + ", offsets "
                            + describe(checkpoint.offsets())
                            + "): " + definition.sink().describe() + " already holds checkpoint "
                            + position.checkpointId() + " of this pipeline (offsets " + describe(position.offsets())
                            + "), past the savepoint, and restoring the pipeline's keyed state would count the records"
                            + " in between twice. Run without --from-savepoint to resume from what the table holds,"
                            + " or first roll the table back to its snapshot of checkpoint "
                            + checkpoint.checkpointId());
        }
        if (ahead) {
            StartPlan plan = StartPlan.of(
                            partitions,
                            Optional.empty(),
                            committed,
                            deadLettersDelivered,
                            definition.source(),
                            groupOffsets)
                    .withNextCheckpointIdAtLeast(floor + 1);
            return new SavepointRestore(
                    plan,
                    "has no keyed state and its table holds checkpoint "
                            + committed.get().checkpointId()
                            + ", past savepoint " + savepoint.describe() + " (checkpoint "
                            + checkpoint.checkpointId() + "): resuming from the table's offsets "
                            + describe(committed.get().offsets()));
        }
        StartPlan plan = StartPlan.of(
                        partitions,
                        Optional.of(checkpoint),
                        committed,
                        deadLettersDelivered,
                        definition.source(),
                        groupOffsets)
                .withNextCheckpointIdAtLeast(floor + 1);
        return new SavepointRestore(
                plan,
                "restores savepoint " + savepoint.describe() + " (checkpoint " + checkpoint.checkpointId()
                        + " taken at parallelism " + savepoint.descriptor().parallelism() + ") at parallelism "
                        + definition.parallelism() + "; new checkpoints start at " + plan.nextCheckpointId());
    }

    String describe() {
        return description;
    }

    /** Whether the table holds anything the savepoint does not: a newer checkpoint, or further offsets. */
    static boolean isAhead(CommittedPosition table, StoredCheckpoint savepoint) {
        if (table.checkpointId() > savepoint.checkpointId()) {
            return true;
        }
        for (Map.Entry<SourcePartition, Long> entry : table.offsets().asMap().entrySet()) {
            long saved = savepoint.offsets().offset(entry.getKey()).orElse(0L);
            if (entry.getValue() > saved) {
                return true;
            }
        }
        return false;
    }

    private static String describe(SourceOffsets offsets) {
        StringBuilder text = new StringBuilder("{");
        offsets.asMap().entrySet().stream()
                .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(SourcePartition::topic)
                        .thenComparingInt(SourcePartition::partition)))
                .forEach(entry -> text.append(text.length() > 1 ? ", " : "")
                        .append(entry.getKey().topic())
                        .append('-')
                        .append(entry.getKey().partition())
                        .append('=')
                        .append(entry.getValue()));
        return text.append('}').toString();
    }
}
