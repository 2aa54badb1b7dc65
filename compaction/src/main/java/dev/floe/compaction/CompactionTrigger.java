package dev.floe.compaction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;

/** Whether a table is due for a run under its policy's triggers, and why. */
final class CompactionTrigger {
    private CompactionTrigger() {}

    /**
     * The trigger that fires, or empty when none does.
     *
     * @param lastRunMillis when the last run on the table ended, or a negative value when never
     */
    static Optional<String> due(Table table, CompactionPolicy policy, long lastRunMillis, long nowMillis) {
        if (table.currentSnapshot() == null) {
            return Optional.empty();
        }
        int dataFiles = 0;
        int smallFiles = 0;
        long smallBytes = 0;
        Set<String> deleteFiles = new HashSet<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask task : tasks) {
                dataFiles++;
                if (task.file().fileSizeInBytes() < policy.smallFileSize()) {
                    smallFiles++;
                    smallBytes += task.file().fileSizeInBytes();
                }
                for (DeleteFile delete : task.deletes()) {
                    deleteFiles.add(delete.location());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot scan table " + table.name() + " for compaction: " + e, e);
        }
        if (smallFiles >= policy.triggerSmallFiles()) {
            return Optional.of(smallFiles + " small files");
        }
        if (dataFiles > 0 && (double) deleteFiles.size() / dataFiles >= policy.triggerDeleteFileRatio()) {
            return Optional.of(deleteFiles.size() + " delete files for " + dataFiles + " data files");
        }
        if (policy.triggerSmallBytes() > 0 && smallBytes >= policy.triggerSmallBytes()) {
            return Optional.of(smallBytes + " bytes in small files");
        }
        if (smallFiles > 1
                && (lastRunMillis < 0
                        || nowMillis - lastRunMillis >= policy.triggerInterval().toMillis())) {
            return Optional.of("interval: " + smallFiles + " small files");
        }
        return Optional.empty();
    }
}
