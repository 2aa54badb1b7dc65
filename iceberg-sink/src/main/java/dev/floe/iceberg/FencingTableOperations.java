package dev.floe.iceberg;

import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;

/**
 * A table's operations that refuse every commit once another instance of the same pipeline has
 * claimed the table. The claim is a table property, {@code floe.claim.<pipeline>}, set by each run
 * when it starts (see {@link TableClaim}); every commit of this run checks, against the metadata it
 * is based on, that the claim is still its own. The catalog commits atomically against that base,
 * so a run that was taken over can commit nothing after the takeover, and the run that took over
 * reads the table's markers only after its claim: no checkpoint is committed by both.
 */
final class FencingTableOperations implements TableOperations {
    private final TableOperations delegate;
    private final TableClaim claim;
    private volatile boolean armed;

    FencingTableOperations(TableOperations delegate, TableClaim claim) {
        this.delegate = delegate;
        this.claim = claim;
    }

    /** From now on, commits must be based on metadata that carries this run's claim. */
    void arm() {
        armed = true;
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
        if (armed && base != null) {
            String holder = base.properties().get(claim.property());
            if (!claim.value().equals(holder)) {
                throw new TableClaim.FencedException(claim, holder);
            }
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
