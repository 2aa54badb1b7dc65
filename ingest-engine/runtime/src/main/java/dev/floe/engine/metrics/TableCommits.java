package dev.floe.engine.metrics;

import java.time.Duration;
import java.time.Instant;

/**
 * What one pipeline committed to one table so far.
 *
 * @param table the table
 * @param commits commits that landed
 * @param failures commit attempts that failed
 * @param records rows committed
 * @param files files committed
 * @param bytes bytes of the files committed
 * @param lastCheckpointId the newest checkpoint committed, or 0
 * @param lastCommitAt when it was committed, or null
 * @param lastDuration how long that commit took, or null
 * @param lastFailure the message of the latest failed attempt, or null
 */
public record TableCommits(
        String table,
        long commits,
        long failures,
        long records,
        long files,
        long bytes,
        long lastCheckpointId,
        Instant lastCommitAt,
        Duration lastDuration,
        String lastFailure) {
    static TableCommits none(String table) {
        return new TableCommits(table, 0, 0, 0, 0, 0, 0, null, null, null);
    }
}
