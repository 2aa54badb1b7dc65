package dev.floe.iceberg.testing;

import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;
import org.apache.iceberg.jdbc.JdbcCatalog;

/**
 * Iceberg's JDBC catalog with faults a test arms per table, for commits that add a snapshot: the
 * commit reaches the catalog and then reports an unknown outcome (the catalog accepted it), the
 * outcome is unknown before it reaches the catalog, the catalog refuses it, or it accepts it and the
 * caller times out. Loaded through
 * Iceberg's own catalog loading with {@code catalog-impl}.
 */
public final class FaultInjectingJdbcCatalog extends JdbcCatalog {
    /** What the next snapshot commits of a table do. */
    public enum Fault {
        /** The catalog accepts the commit, then the caller is told the outcome is unknown. */
        UNKNOWN_AFTER_COMMIT,
        /** The commit never reaches the catalog, and the caller is told the outcome is unknown. */
        UNKNOWN_BEFORE_COMMIT,
        /** The catalog refuses every commit: a conflict that does not go away. */
        REFUSE,
        /** The catalog accepts the commit, then the caller's connection times out before the answer. */
        TIMEOUT_AFTER_COMMIT
    }

    private static final Map<String, Fault> FAULTS = new ConcurrentHashMap<>();
    private static volatile Rendezvous rendezvous;

    /** Snapshot commits that wait for one another: each goes on once {@code parties} are in flight. */
    private record Rendezvous(java.util.concurrent.CountDownLatch arrived, int parties, java.time.Duration timeout) {}

    /**
     * From now on, each snapshot commit waits until {@code parties} of them are in flight at once,
     * and is refused if they are not within {@code timeout}: commits made one after another fail.
     */
    public static void rendezvous(int parties, java.time.Duration timeout) {
        rendezvous = new Rendezvous(new java.util.concurrent.CountDownLatch(parties), parties, timeout);
    }

    private static final Map<String, Integer> REMAINING = new ConcurrentHashMap<>();

    /** Arms {@code fault} for the next {@code times} snapshot commits of {@code table}. */
    public static void arm(String table, Fault fault, int times) {
        FAULTS.put(table, fault);
        REMAINING.put(table, times);
    }

    public static void disarm(String table) {
        FAULTS.remove(table);
        REMAINING.remove(table);
    }

    public static void disarmAll() {
        rendezvous = null;
        FAULTS.clear();
        REMAINING.clear();
    }

    @Override
    protected TableOperations newTableOps(TableIdentifier identifier) {
        return new FaultInjectingOperations(super.newTableOps(identifier), identifier.toString());
    }

    private static Fault take(String table) {
        Fault fault = FAULTS.get(table);
        if (fault == null) {
            return null;
        }
        int left = REMAINING.merge(table, -1, Integer::sum);
        if (left <= 0) {
            disarm(table);
        }
        return fault;
    }

    private static final class FaultInjectingOperations implements TableOperations {
        private final TableOperations delegate;
        private final String table;

        FaultInjectingOperations(TableOperations delegate, String table) {
            this.delegate = delegate;
            this.table = table;
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
            boolean addsSnapshot = metadata.currentSnapshot() != null
                    && (base == null
                            || base.currentSnapshot() == null
                            || base.currentSnapshot().snapshotId()
                                    != metadata.currentSnapshot().snapshotId());
            Fault fault = addsSnapshot ? take(table) : null;
            Rendezvous meeting = addsSnapshot ? rendezvous : null;
            if (meeting != null) {
                meeting.arrived().countDown();
                try {
                    if (!meeting.arrived()
                            .await(meeting.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        throw new CommitFailedException(
                                "injected: %s of %s commits were in flight at once",
                                meeting.parties() - meeting.arrived().getCount(), meeting.parties());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CommitFailedException("injected: interrupted while waiting for the other commits");
                }
            }
            if (fault == Fault.UNKNOWN_BEFORE_COMMIT) {
                throw new CommitStateUnknownException(new RuntimeException("injected: timed out before the catalog"));
            }
            if (fault == Fault.REFUSE) {
                throw new CommitFailedException("injected: the catalog refuses commits of %s", table);
            }
            delegate.commit(base, metadata);
            if (fault == Fault.TIMEOUT_AFTER_COMMIT) {
                throw new UncheckedIOException(
                        new SocketTimeoutException("injected: read timed out after the catalog accepted the commit"));
            }
            if (fault == Fault.UNKNOWN_AFTER_COMMIT) {
                throw new CommitStateUnknownException(
                        new RuntimeException("injected: timed out after the catalog accepted the commit"));
            }
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
    }
}
