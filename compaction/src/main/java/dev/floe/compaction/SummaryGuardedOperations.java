package dev.floe.compaction;

import java.util.Objects;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;

/**
 * A table's operations that refuse a commit whose base is not the snapshot a summary was copied
 * from. Iceberg retries a conflicting commit by applying the same update, with the same summary,
 * to the new base; when that base is a newer Floe commit, the copied {@code floe.*} summary would
 * be older than its parent's and mislead a restarting pipeline, so the commit stops here instead.
 */
final class SummaryGuardedOperations implements TableOperations {
    private final TableOperations delegate;
    private final Long expectedParent;

    SummaryGuardedOperations(TableOperations delegate, Long expectedParent) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.expectedParent = expectedParent;
    }

    @Override
    public TableMetadata current() {
        return delegate.current();
    }

    @Override
    public TableMetadata refresh() {
        return delegate.refresh();
    }

    @Override
    public void commit(TableMetadata base, TableMetadata metadata) {
        Snapshot parent = base == null ? null : base.currentSnapshot();
        Long parentId = parent == null ? null : parent.snapshotId();
        if (!Objects.equals(parentId, expectedParent)) {
            throw new StaleSummaryException("Cannot commit on snapshot " + parentId + ": the floe.* summary was"
                    + " copied from snapshot " + expectedParent);
        }
        delegate.commit(base, metadata);
    }

    @Override
    public FileIO io() {
        return delegate.io();
    }

    @Override
    public EncryptionManager encryption() {
        return delegate.encryption();
    }

    @Override
    public String metadataFileLocation(String fileName) {
        return delegate.metadataFileLocation(fileName);
    }

    @Override
    public LocationProvider locationProvider() {
        return delegate.locationProvider();
    }

    @Override
    public TableOperations temp(TableMetadata uncommittedMetadata) {
        return delegate.temp(uncommittedMetadata);
    }

    @Override
    public long newSnapshotId() {
        return delegate.newSnapshotId();
    }

    @Override
    public boolean requireStrictCleanup() {
        return delegate.requireStrictCleanup();
    }
}
