package dev.floe.iceberg;

import dev.floe.engine.spi.deadletter.DeadLetterDelivery;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.sink.CommitObserver;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.DestinationStatus;
import dev.floe.engine.spi.sink.Sink;
import dev.floe.engine.spi.sink.SinkCommitter;
import dev.floe.engine.spi.sink.SinkWriter;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipeline's Iceberg tables: a single table, or one per route of a name template. Tables are
 * loaded and claimed when first needed (a single table when the sink opens), created from the
 * first rows' schema when missing. Writers work on immutable copies of the tables as they were
 * bound; the committer works on the live tables.
 */
final class IcebergSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(IcebergSink.class);

    private final String pipelineId;
    private final Catalog catalog;
    private final TableConfig config;
    private final TableRouter router;
    private final TableClaim claim;
    private final List<String> pipelineIds;
    private final IcebergCommitter committer;
    private final Map<String, TableTarget> targets = new ConcurrentHashMap<>();
    private final Clock clock;
    private final CommitObserver observer;
    private final java.util.Set<String> toldFreshness = ConcurrentHashMap.newKeySet();
    private final Map<Types.StructType, RowType> producedTypes = new HashMap<>();

    IcebergSink(String pipelineId, Catalog catalog, TableConfig config, Clock clock, CommitObserver commits) {
        this.pipelineId = pipelineId;
        this.catalog = catalog;
        this.config = config;
        this.clock = clock;
        this.observer = commits;
        this.router = TableRouter.of(config.name());
        this.claim = TableClaim.newRun(pipelineId, clock.instant());
        List<String> ids = new ArrayList<>();
        ids.add(pipelineId);
        ids.addAll(config.formerIds());
        this.pipelineIds = List.copyOf(ids);
        this.committer = new IcebergCommitter(this, commits);
        if (router.isFixed()) {
            target(config.name()).loadIfExists();
        }
    }

    String pipelineId() {
        return pipelineId;
    }

    /** This pipeline's id first, then the ids it had before it was renamed. */
    List<String> pipelineIds() {
        return pipelineIds;
    }

    Catalog catalog() {
        return catalog;
    }

    TableConfig config() {
        return config;
    }

    TableRouter router() {
        return router;
    }

    TableClaim claim() {
        return claim;
    }

    Clock clock() {
        return clock;
    }

    /** Told of commits, freshness and writers' open files, for metrics. */
    CommitObserver observer() {
        return observer;
    }

    /** The table called {@code name}, not yet loaded. */
    TableTarget target(String name) {
        TableTarget known = targets.get(name);
        if (known != null) {
            return known;
        }
        TableTarget target = targets.computeIfAbsent(name, key -> new TableTarget(this, key));
        if (toldFreshness.add(name)) {
            observer.freshness(name, () -> oldestUncommitted(name));
        }
        return target;
    }

    /**
     * When the oldest row of the table not yet committed reached the sink: in a checkpoint waiting
     * for its commit, or still with the writers.
     */
    Optional<Instant> oldestUncommitted(String name) {
        TableTarget target = targets.get(name);
        long oldest = Math.min(
                committer.oldestPendingMillis(name),
                target == null ? TableTarget.NO_ROWS : target.oldestUnpreparedMillis());
        return oldest == TableTarget.NO_ROWS ? Optional.empty() : Optional.of(Instant.ofEpochMilli(oldest));
    }

    /** Every table touched so far, by name. */
    Map<String, TableTarget> targets() {
        return targets;
    }

    @Override
    public synchronized RowType rowType(Schema produced) {
        if (router.isFixed()) {
            return target(config.name()).rowType(produced);
        }
        // routed rows are decoded as produced; each table fits them to its own schema
        return producedTypes.computeIfAbsent(produced.asStruct(), struct -> RowType.of(produced));
    }

    long targetFileSize(org.apache.iceberg.Table writeTable) {
        if (config.targetFileSize() > 0) {
            return config.targetFileSize();
        }
        return Long.parseLong(writeTable
                .properties()
                .getOrDefault(
                        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
                        String.valueOf(TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT)));
    }

    @Override
    public SinkWriter createWriter(int subtask) {
        return new IcebergSinkWriter(this, subtask);
    }

    @Override
    public SinkCommitter committer() {
        return committer;
    }

    /**
     * The newest checkpoint any table holds, and the offsets below which every table holds every
     * record routed to it: per partition, the furthest {@code floe.resume-offsets} of any table's
     * newest commit. Each such value was true when it was committed and stays true, so their
     * maximum is too.
     */
    @Override
    public Optional<CommittedPosition> committed() {
        long newest = 0;
        Map<SourcePartition, Long> resume = new HashMap<>();
        for (TableTarget target : candidateTables()) {
            org.apache.iceberg.Table table = target.table();
            try {
                table.refresh();
            } catch (RuntimeException e) {
                throw new RetriableException(
                        IcebergErrorCode.CATALOG_UNAVAILABLE,
                        "Cannot read table " + target.name() + " for pipeline " + pipelineId + ": " + e.getMessage(),
                        e);
            }
            Optional<CommittedPosition> held = SnapshotMarkers.latest(table, pipelineIds);
            if (held.isEmpty()) {
                continue;
            }
            newest = Math.max(newest, held.get().checkpointId());
            SourceOffsets offsets = SnapshotMarkers.resumeOffsets(table, pipelineIds)
                    .orElse(held.get().offsets());
            offsets.asMap().forEach((partition, offset) -> resume.merge(partition, offset, Math::max));
        }
        return newest == 0 ? Optional.empty() : Optional.of(new CommittedPosition(newest, SourceOffsets.of(resume)));
    }

    /** The existing tables this pipeline may have written, loaded and claimed. */
    private List<TableTarget> candidateTables() {
        List<TableTarget> found = new ArrayList<>();
        if (router.isFixed()) {
            TableTarget target = target(config.name());
            if (target.loadIfExists()) {
                found.add(target);
            }
            return found;
        }
        try {
            for (TableIdentifier identifier : matchingTables()) {
                TableTarget target = target(identifier.toString());
                if (target.loadIfExists()) {
                    found.add(target);
                }
            }
        } catch (RuntimeException e) {
            if (e instanceof RetriableException) {
                throw e;
            }
            throw new RetriableException(
                    IcebergErrorCode.CATALOG_UNAVAILABLE,
                    "Cannot list the tables of '" + router.template() + "' for pipeline " + pipelineId + ": "
                            + e.getMessage(),
                    e);
        }
        return found;
    }

    private List<TableIdentifier> matchingTables() {
        List<Namespace> namespaces = new ArrayList<>();
        if (router.hasFixedNamespace()) {
            namespaces.add(Namespace.of(router.fixedNamespace().split("\\.")));
        } else if (catalog instanceof SupportsNamespaces) {
            namespaces.addAll(((SupportsNamespaces) catalog).listNamespaces());
        }
        List<TableIdentifier> matching = new ArrayList<>();
        for (Namespace namespace : namespaces) {
            try {
                for (TableIdentifier identifier : catalog.listTables(namespace)) {
                    if (router.matches(identifier.toString())) {
                        matching.add(identifier);
                    }
                }
            } catch (NoSuchNamespaceException e) {
                // nothing written there yet
            }
        }
        return matching;
    }

    /**
     * A table of this sink's catalog for the pipeline's dead letters. It must not be one the data
     * goes to: its {@code floe.*} marker says what was delivered, not what the data holds.
     */
    @Override
    public Optional<DeadLetterDelivery> deadLetterTable(String name) {
        if (router.matches(name)) {
            throw new FatalException(
                    IcebergErrorCode.TABLE_CREATION_FAILED,
                    "Cannot keep the dead letters of pipeline " + pipelineId + " in table " + name + ": the pipeline"
                            + " writes its data there (sink.table " + config.name() + "); name another table");
        }
        return Optional.of(DeadLetterTable.open(catalog, pipelineId, name, config.formatVersion()));
    }

    @Override
    public List<DestinationStatus> status() {
        List<DestinationStatus> statuses = new ArrayList<>();
        for (TableTarget target : targets.values()) {
            statuses.add(target.status(committer.pendingCheckpoints(target.name())));
        }
        statuses.sort((a, b) -> a.name().compareTo(b.name()));
        return statuses;
    }

    @Override
    public void close() {
        if (catalog instanceof Closeable) {
            try {
                ((Closeable) catalog).close();
            } catch (IOException e) {
                LOG.warn("Cannot close the catalog of pipeline {}: {}", pipelineId, e.toString());
            }
        }
    }
}
