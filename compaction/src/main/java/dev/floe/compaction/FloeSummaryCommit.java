package dev.floe.compaction;

import java.util.function.Function;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a snapshot that rewrites a table behind Floe (rewritten data files, rewritten manifests)
 * with the newest {@code floe.*} summary of its parent copied onto it. When another commit lands
 * first, the update is built again on the new snapshot with that snapshot's summary; a bounded
 * number of times, then the conflict is the caller's.
 */
final class FloeSummaryCommit {
    private static final Logger LOG = LoggerFactory.getLogger(FloeSummaryCommit.class);
    static final int ATTEMPTS = 5;

    private FloeSummaryCommit() {}

    /**
     * Builds the update on {@code table} with {@code update} and commits it.
     *
     * @return the new snapshot
     * @throws org.apache.iceberg.exceptions.ValidationException when the update conflicts with a
     *     commit since its validation snapshot (give up on this update)
     * @throws org.apache.iceberg.exceptions.CommitStateUnknownException when the outcome is unknown
     *     (touch nothing)
     */
    static Snapshot commit(Table table, Function<Table, SnapshotUpdate<?>> update) {
        if (!(table instanceof HasTableOperations)) {
            throw new IllegalArgumentException(
                    "Cannot commit to table " + table.name() + ": its catalog gives no table operations");
        }
        RuntimeException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            table.refresh();
            Snapshot base = table.currentSnapshot();
            Table guarded = new BaseTable(
                    new SummaryGuardedOperations(
                            ((HasTableOperations) table).operations(), base == null ? null : base.snapshotId()),
                    table.name());
            SnapshotUpdate<?> pending = update.apply(guarded);
            if (base != null) {
                FloeSummary.newest(table, base).forEach(pending::set);
            }
            try {
                pending.commit();
                table.refresh();
                return guarded.currentSnapshot();
            } catch (StaleSummaryException | CommitFailedException e) {
                last = e;
                LOG.info(
                        "Commit to table {} met a concurrent commit (attempt {} of {}): {}",
                        table.name(),
                        attempt,
                        ATTEMPTS,
                        e.getMessage());
            }
        }
        throw new CommitFailedException(
                last, "Cannot commit to table %s: %d attempts met concurrent commits", table.name(), ATTEMPTS);
    }
}
