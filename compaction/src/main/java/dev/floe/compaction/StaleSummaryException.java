package dev.floe.compaction;

import org.apache.iceberg.exceptions.CleanableFailure;

/**
 * A commit found another snapshot on the table than the one whose {@code floe.*} summary it
 * carries: it is refused before reaching the catalog, and planned again on the new snapshot.
 */
final class StaleSummaryException extends RuntimeException implements CleanableFailure {
    StaleSummaryException(String message) {
        super(message);
    }
}
