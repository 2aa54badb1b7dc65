package dev.floe.engine.pipeline;

import dev.floe.engine.checkpoint.StoredCheckpoint;
import dev.floe.engine.config.SourceConfig;
import dev.floe.engine.source.InitialPosition;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where a pipeline starts, decided from what each destination says it holds.
 *
 * <ul>
 *   <li>With a stored checkpoint: its offsets. Its commits are finished first (idempotently).
 *   <li>Without one: the table's committed offsets. Where dead letters were delivered less far
 *       than the table got, reading starts at the dead-letter marker so no bad record is lost.
 *   <li>Partitions nothing knows: from their start when the pipeline has read before (they are
 *       new), else from the configured position (earliest, latest, a timestamp, the consumer
 *       group's offsets or explicit offsets; the last two fall back to earliest).
 * </ul>
 *
 * In every case records a destination already holds are skipped for that destination, and new
 * checkpoints are numbered after every id used before, so that nothing is dropped or repeated.
 *
 * @param seek the offsets to seek to; partitions without one start at {@code initial}
 * @param initial where partitions without an offset start
 * @param skip what to skip on the way, or null
 * @param nextCheckpointId the first checkpoint id to use
 * @param recovered the stored checkpoint whose commits must be finished, or null
 */
record StartPlan(
        SourceOffsets seek,
        InitialPosition initial,
        SkipFilter skip,
        long nextCheckpointId,
        StoredCheckpoint recovered) {

    /** This plan, numbering new checkpoints from {@code id} at the least. */
    StartPlan withNextCheckpointIdAtLeast(long id) {
        return new StartPlan(seek, initial, skip, Math.max(nextCheckpointId, id), recovered);
    }

    /**
     * @param groupOffsets the consumer group's committed offsets, read only for {@code
     *     group-offsets}
     */
    static StartPlan of(
            List<SourcePartition> partitions,
            Optional<StoredCheckpoint> latest,
            Optional<CommittedPosition> table,
            SourceOffsets deadLettersDelivered,
            SourceConfig source,
            Supplier<SourceOffsets> groupOffsets) {
        SourceOffsets tableOffsets = table.map(CommittedPosition::offsets).orElse(SourceOffsets.empty());
        long tableId = table.map(CommittedPosition::checkpointId).orElse(0L);
        if (latest.isPresent()) {
            StoredCheckpoint checkpoint = latest.get();
            SourceOffsets seek = checkpoint.offsets();
            return new StartPlan(
                    seek,
                    // partitions added since the checkpoint are new: nothing of them was read
                    InitialPosition.EARLIEST,
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
        InitialPosition initial;
        if (!tableOffsets.isEmpty()) {
            // a table that knows some partitions knows the pipeline: its unknown partitions are new
            initial = InitialPosition.EARLIEST;
        } else {
            switch (source.startFrom()) {
                case LATEST:
                    initial = InitialPosition.LATEST;
                    break;
                case TIMESTAMP:
                    initial = InitialPosition.at(source.startTimestamp());
                    break;
                case GROUP_OFFSETS:
                    initial = InitialPosition.EARLIEST;
                    groupOffsets.get().asMap().forEach(seek::putIfAbsent);
                    break;
                case OFFSETS:
                    initial = InitialPosition.EARLIEST;
                    source.startOffsets().asMap().forEach(seek::putIfAbsent);
                    break;
                default:
                    initial = InitialPosition.EARLIEST;
            }
        }
        SourceOffsets seekOffsets = SourceOffsets.of(seek);
        return new StartPlan(
                seekOffsets,
                initial,
                SkipFilter.of(seekOffsets, tableOffsets, deadLettersDelivered),
                tableId + 1,
                null);
    }
}
