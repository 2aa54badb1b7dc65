package dev.floe.compaction;

import dev.floe.engine.spi.service.FileSizeDistribution;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Counts a table's data files by size. Reading the manifests costs one pass over them, so the
 * answer is kept per table until the table has a new snapshot.
 */
final class FileSizeCensus {
    /** Bucket upper bounds: powers of four from 16 KiB to 1 GiB, then everything larger. */
    static final List<Long> UPPER_BOUNDS = bounds();

    private final Map<String, FileSizeDistribution> latest = new HashMap<>();

    private static List<Long> bounds() {
        List<Long> bounds = new ArrayList<>();
        for (long bound = 16L << 10; bound <= 1L << 30; bound *= 4) {
            bounds.add(bound);
        }
        return List.copyOf(bounds);
    }

    /** The distribution of {@code table}'s current snapshot (refreshed by the caller). */
    Optional<FileSizeDistribution> of(String name, Table table) {
        Snapshot current = table.currentSnapshot();
        if (current == null) {
            return Optional.empty();
        }
        synchronized (this) {
            FileSizeDistribution cached = latest.get(name);
            if (cached != null && cached.snapshotId() == current.snapshotId()) {
                return Optional.of(cached);
            }
        }
        FileSizeDistribution counted = count(name, table, current);
        synchronized (this) {
            latest.put(name, counted);
        }
        return Optional.of(counted);
    }

    static FileSizeDistribution count(String name, Table table, Snapshot snapshot) {
        long[] counts = new long[UPPER_BOUNDS.size() + 1];
        long files = 0;
        long bytes = 0;
        try (CloseableIterable<FileScanTask> tasks =
                table.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
            for (FileScanTask task : tasks) {
                DataFile file = task.file();
                long size = file.fileSizeInBytes();
                counts[bucket(size)]++;
                files++;
                bytes += size;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot count the data files of table " + name + " in snapshot " + snapshot.snapshotId(), e);
        }
        List<Long> countList = new ArrayList<>();
        for (long count : counts) {
            countList.add(count);
        }
        return new FileSizeDistribution(name, snapshot.snapshotId(), UPPER_BOUNDS, countList, files, bytes);
    }

    static int bucket(long size) {
        for (int i = 0; i < UPPER_BOUNDS.size(); i++) {
            if (size <= UPPER_BOUNDS.get(i)) {
                return i;
            }
        }
        return UPPER_BOUNDS.size();
    }
}
