package dev.floe.engine.spi.service;

import java.util.List;
import java.util.Objects;

/**
 * A histogram of the sizes of a table's data files in one snapshot.
 *
 * @param table the table's name
 * @param snapshotId the snapshot counted
 * @param upperBounds each bucket's inclusive upper bound in bytes, ascending; the last bucket
 *     ({@code counts} has one more entry) holds every larger file
 * @param counts files per bucket, {@code upperBounds.size() + 1} entries
 * @param files data files in the snapshot
 * @param bytes their bytes
 */
public record FileSizeDistribution(
        String table, long snapshotId, List<Long> upperBounds, List<Long> counts, long files, long bytes) {
    public FileSizeDistribution {
        Objects.requireNonNull(table, "table");
        upperBounds = List.copyOf(upperBounds);
        counts = List.copyOf(counts);
        if (counts.size() != upperBounds.size() + 1) {
            throw new IllegalArgumentException("Cannot make the file-size distribution of table " + table + ": "
                    + counts.size() + " counts for " + upperBounds.size() + " bounds");
        }
    }
}
