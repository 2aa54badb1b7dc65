package dev.floe.engine.pipeline;

import dev.floe.engine.checkpoint.StoredCheckpoint;
import dev.floe.engine.config.EngineOptions;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a pipeline starts, decided from what each destination says it holds.
 *
 * <ul>
 *   <li>With a stored checkpoint: its offsets. Its commits are finished first (idempotently).
 *   <li>Without one: the table's committed offsets, or the configured position for partitions
 *       the table knows nothing of. Where dead letters were delivered less far than the table
 *       got, reading starts at the dead-letter marker so no bad record is lost.
 * </ul>
 *
 * In every case records a destination already holds are skipped for that destination, and new
 * checkpoints are numbered after every id used before, so that nothing is dropped or repeated.
 *
 * @param seek the offsets to seek to; partitions without one start per {@code unknownFromEarliest}
 * @param unknownFromEarliest whether partitions without an offset start at the log's start
 * @param skip what to skip on the way, or null
 * @param nextCheckpointId the first checkpoint id to use
 * @param recovered the stored checkpoint whose commits must be finished, or null
 */
record StartPlan(
        SourceOffsets seek,
        boolean unknownFromEarliest,
        SkipFilter skip,
        long nextCheckpointId,
        StoredCheckpoint recovered) {

    static StartPlan of(
            List<SourcePartition> partitions,
            Optional<StoredCheckpoint> latest,
            Optional<CommittedPosition> table,
            SourceOffsets deadLettersDelivered,
            EngineOptions.StartPosition startFrom) {
        SourceOffsets tableOffsets = table.map(CommittedPosition::offsets).orElse(SourceOffsets.empty());
        long tableId = table.map(CommittedPosition::checkpointId).orElse(0L);
        if (latest.isPresent()) {
            StoredCheckpoint checkpoint = latest.get();
            SourceOffsets seek = checkpoint.offsets();
            return new StartPlan(
                    seek,
                    // partitions added since the checkpoint are new: nothing of them was read
                    true,
                    SkipFilter.of(seek, tableOffsets, deadLettersDelivered),
                    Math.max(checkpoint.checkpointId(), tableId) + 1,
                    checkpoint);
        }
        Map<SourcePartition, Long> seek = new HashMap<>();
        for (SourcePartition partition : partitions) {
            if (tableOffsets.offset(partition).isEmpty()) {
                continue;
            }
            long start = tableOffsets.offset(partition).getAsLong();
            if (deadLettersDelivered.offset(partition).isPresent()) {
                start = Math.min(start, deadLettersDelivered.offset(partition).getAsLong());
            }
            seek.put(partition, start);
        }
        SourceOffsets seekOffsets = SourceOffsets.of(seek);
        // a table that knows some partitions knows the pipeline: its unknown partitions are new
        boolean fromEarliest = !tableOffsets.isEmpty() || startFrom == EngineOptions.StartPosition.EARLIEST;
        return new StartPlan(
                seekOffsets,
                fromEarliest,
                SkipFilter.of(seekOffsets, tableOffsets, deadLettersDelivered),
                tableId + 1,
                null);
    }
}
