package dev.floe.engine.spi.service;

import java.util.List;

/**
 * A compaction asked for from outside the background schedule.
 *
 * @param dryRun plan only: nothing is written or committed
 * @param onlyPartitions partition paths to limit the run to; empty for every partition
 */
public record CompactionRequest(boolean dryRun, List<String> onlyPartitions) {
    public CompactionRequest {
        onlyPartitions = List.copyOf(onlyPartitions);
    }
}
