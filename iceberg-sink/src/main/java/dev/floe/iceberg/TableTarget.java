package dev.floe.iceberg;

import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.DestinationStatus;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SerializableTable;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One table a pipeline writes: loaded (or created from the first rows' schema), claimed for this
 * run, and what it held of the pipeline when it was claimed, which is what writers skip.
 *
 * <p>The claim comes before the table's markers are read: a run that took a table over sees every
 * commit of the run it fenced.
 */
final class TableTarget {
    private static final Logger LOG = LoggerFactory.getLogger(TableTarget.class);
    private static final int SCHEMA_UPDATE_ATTEMPTS = 4;
    /** A time of the first row that stands for none. */
    static final long NO_ROWS = Long.MAX_VALUE;

    private final IcebergSink sink;
    private final String name;
    private final TableIdentifier identifier;
    private final Map<RowType, Binding> bindings = new IdentityHashMap<>();
    private Table table;
    private RowType tableRowType;
    /** Schemas of records refused by the table's current schema, with why; cleared when it evolves. */
    private final Map<Types.StructType, BadRecordException> refused = new HashMap<>();

    private int refusedAtSchema = -1;
    private volatile CommittedPosition claimedAt;
    private volatile PartitionOffsets skipBelow;
    private volatile String problem = "";
    private volatile long committedCheckpoint;
    /** The writers' files of this table, for the time of the oldest row not yet handed over. */
    private final Set<TableFiles> writers = ConcurrentHashMap.newKeySet();

    TableTarget(IcebergSink sink, String name) {
        this.sink = sink;
        this.name = name;
        this.identifier = TableIdentifier.parse(name);
    }

    String name() {
        return name;
    }

    /** Loads and claims the table if it exists; whether it does. */
    synchronized boolean loadIfExists() {
        if (table != null) {
            return true;
        }
        Table loaded;
        try {
            loaded = sink.catalog().loadTable(identifier);
        } catch (NoSuchTableException e) {
            return false;
        } catch (RuntimeException e) {
            throw new RetriableException(
                    IcebergErrorCode.CATALOG_UNAVAILABLE,
                    "Cannot load table " + name + " for pipeline " + sink.pipelineId() + ": " + e.getMessage(),
                    e);
        }
        claim(loaded);
        return true;
    }

    /** The live table, claimed; created from {@code produced} when it does not exist. */
    private synchronized Table ensure(Schema produced) {
        if (table == null && !loadIfExists()) {
            claim(create(produced));
        }
        return table;
    }

    /** The live table, or null when it does not exist. */
    synchronized Table table() {
        return table;
    }

    /**
     * The row type of the table's schema, creating the table from {@code produced} when missing and
     * evolving it when records of {@code produced} need more of it (see {@link SchemaEvolution}).
     *
     * @throws BadRecordException when records of {@code produced} cannot fit the table
     */
    synchronized RowType rowType(Schema produced) {
        ensure(produced);
        evolveFor(produced);
        if (tableRowType == null
                || tableRowType.schema().schemaId() != table.schema().schemaId()) {
            tableRowType = RowType.of(table.schema());
            LOG.info(
                    "Pipeline {} writes table {} (format v{}, spec {}, schema {})",
                    sink.pipelineId(),
                    name,
                    TableUtil.formatVersion(table),
                    table.spec(),
                    table.schema().schemaId());
        }
        return tableRowType;
    }

    /**
     * Evolves the table so that records of {@code produced} fit it. The schema change is committed
     * at once, before the rows that need it: it only adds optional columns and widens types, so
     * readers see the rows committed before it unchanged, and a crash before the rows' commit
     * leaves nothing to undo. Retried a few times over concurrent schema changes of the table.
     */
    private void evolveFor(Schema produced) {
        Types.StructType struct = produced.asStruct();
        if (refusedAtSchema != table.schema().schemaId()) {
            refused.clear();
            refusedAtSchema = table.schema().schemaId();
        }
        BadRecordException known = refused.get(struct);
        if (known != null) {
            throw new BadRecordException(known.code(), known.getMessage());
        }
        for (int attempt = 1; ; attempt++) {
            SchemaEvolution evolution;
            try {
                evolution = SchemaEvolution.plan(table.schema(), produced, name);
            } catch (BadRecordException e) {
                refused.put(struct, e);
                throw e;
            }
            if (evolution.isEmpty()) {
                return;
            }
            int before = table.schema().schemaId();
            try {
                UpdateSchema update = table.updateSchema();
                evolution.applyTo(update);
                update.commit();
                LOG.info(
                        "Pipeline {} evolved table {} from schema {} to {}: {}",
                        sink.pipelineId(),
                        name,
                        before,
                        table.schema().schemaId(),
                        evolution);
                return;
            } catch (TableClaim.FencedException e) {
                throw new FatalException(
                        IcebergErrorCode.FENCED,
                        "Cannot evolve table " + name + " for pipeline " + sink.pipelineId() + ": " + e.getMessage(),
                        e);
            } catch (CommitFailedException e) {
                if (attempt >= SCHEMA_UPDATE_ATTEMPTS) {
                    throw new RetriableException(
                            IcebergErrorCode.SCHEMA_UPDATE_FAILED,
                            "Cannot evolve table " + name + " (" + evolution + ") after " + attempt + " attempts: "
                                    + e.getMessage(),
                            e);
                }
                // another writer changed the table meanwhile: plan again on its new schema
                refreshTable();
            } catch (IllegalArgumentException | IllegalStateException e) {
                // Iceberg refused the change itself (an identifier field made optional, say)
                throw new BadRecordException(
                        IcebergErrorCode.SCHEMA_INCOMPATIBLE,
                        "Cannot evolve table " + name + " (" + evolution + "): " + e.getMessage(),
                        e);
            } catch (RuntimeException e) {
                throw new RetriableException(
                        IcebergErrorCode.SCHEMA_UPDATE_FAILED,
                        "Cannot evolve table " + name + " (" + evolution + "): " + e.getMessage(),
                        e);
            }
        }
    }

    private void refreshTable() {
        try {
            table.refresh();
        } catch (RuntimeException e) {
            throw new RetriableException(
                    IcebergErrorCode.CATALOG_UNAVAILABLE,
                    "Cannot read table " + name + " for pipeline " + sink.pipelineId() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * The row type of the table's own schema, or null when the table does not exist. Creates and
     * evolves nothing: for deletes, which need only the table's key.
     */
    synchronized RowType existingRowType() {
        if (table == null && !loadIfExists()) {
            return null;
        }
        return rowType(table.schema());
    }

    /** How writers write rows of {@code type} into this table. */
    synchronized Binding binding(RowType type) {
        Binding binding = bindings.get(type);
        if (binding == null) {
            if (type.schema() == null) {
                throw new IllegalStateException("Cannot write rows of a nested type " + type + " to table " + name);
            }
            RowType own = rowType(type.schema());
            UpsertKey key =
                    sink.config().upsert() ? UpsertKey.of(table.schema(), table.spec(), sink.config(), name) : null;
            binding = new Binding(table, own, RowFitting.between(type, own, name), key);
            bindings.put(type, binding);
        }
        return binding;
    }

    /** Below these offsets the table held this pipeline's records when this run claimed it; null for none. */
    PartitionOffsets skipBelow() {
        return skipBelow;
    }

    /** What the table held of the pipeline when this run claimed it. */
    Optional<CommittedPosition> claimedAt() {
        return Optional.ofNullable(claimedAt);
    }

    private void claim(Table loaded) {
        TableClaim claim = sink.claim();
        FencingTableOperations operations =
                new FencingTableOperations(((HasTableOperations) loaded).operations(), claim);
        Table fenced = new BaseTable(operations, loaded.name());
        try {
            fenced.updateProperties().set(claim.property(), claim.value()).commit();
            operations.arm();
            fenced.refresh();
        } catch (RuntimeException e) {
            throw new RetriableException(
                    IcebergErrorCode.CATALOG_UNAVAILABLE,
                    "Cannot claim table " + name + " for pipeline " + sink.pipelineId() + ": " + e.getMessage(),
                    e);
        }
        Optional<CommittedPosition> held = SnapshotMarkers.latest(fenced, sink.pipelineIds());
        this.claimedAt = held.orElse(null);
        this.skipBelow =
                held.map(position -> PartitionOffsets.of(position.offsets())).orElse(null);
        this.committedCheckpoint = held.map(CommittedPosition::checkpointId).orElse(0L);
        this.table = fenced;
        LOG.info(
                "Pipeline {} claimed table {} (uuid {}){}",
                sink.pipelineId(),
                name,
                fenced.uuid(),
                held.map(position ->
                                "; it holds checkpoint " + position.checkpointId() + " up to " + position.offsets())
                        .orElse("; it holds nothing of the pipeline yet"));
    }

    private Table create(Schema produced) {
        TableConfig config = sink.config();
        if (!config.createTable()) {
            throw new FatalException(
                    IcebergErrorCode.TABLE_NOT_FOUND,
                    "Cannot write table " + name + " for pipeline " + sink.pipelineId()
                            + ": it does not exist, and sink.createTable is false");
        }
        PartitionSpec spec;
        SortOrder sortOrder;
        try {
            spec = PartitionSpecs.build(produced, config.partitionBy());
            sortOrder = SortOrders.build(produced, config.sortBy());
        } catch (IllegalArgumentException e) {
            throw new FatalException(
                    IcebergErrorCode.TABLE_CREATION_FAILED,
                    "Cannot create table " + name + " for pipeline " + sink.pipelineId() + ": " + e.getMessage(),
                    e);
        }
        if (config.upsert()) {
            // identifier fields are part of the schema; they must be required columns of the records
            produced = new Schema(produced.columns(), UpsertKey.forNewTable(produced, config, name));
        }
        Map<String, String> properties = new HashMap<>();
        properties.put(TableProperties.FORMAT_VERSION, Integer.toString(config.formatVersion()));
        properties.putAll(config.properties());
        Catalog catalog = sink.catalog();
        try {
            if (catalog instanceof SupportsNamespaces) {
                SupportsNamespaces namespaces = (SupportsNamespaces) catalog;
                Namespace namespace = identifier.namespace();
                if (!namespaces.namespaceExists(namespace)) {
                    try {
                        namespaces.createNamespace(namespace);
                    } catch (AlreadyExistsException e) {
                        // created concurrently
                    }
                }
            }
            Table created = catalog.buildTable(identifier, produced)
                    .withPartitionSpec(spec)
                    .withSortOrder(sortOrder)
                    .withProperties(properties)
                    .create();
            LOG.info(
                    "Created table {} for pipeline {}: {} partitioned by {}, sorted by {}",
                    name,
                    sink.pipelineId(),
                    produced,
                    spec,
                    sortOrder);
            return created;
        } catch (AlreadyExistsException e) {
            // another process created it meanwhile: use theirs
            return catalog.loadTable(identifier);
        } catch (RuntimeException e) {
            throw new RetriableException(
                    IcebergErrorCode.CATALOG_UNAVAILABLE,
                    "Cannot create table " + name + " for pipeline " + sink.pipelineId() + ": " + e.getMessage(),
                    e);
        }
    }

    void register(TableFiles files) {
        writers.add(files);
    }

    void unregister(TableFiles files) {
        writers.remove(files);
    }

    /** When the oldest row writers took for this table and did not yet hand over reached them, or {@link #NO_ROWS}. */
    long oldestUnpreparedMillis() {
        long oldest = NO_ROWS;
        for (TableFiles files : writers) {
            oldest = Math.min(oldest, files.firstRowMillis());
        }
        return oldest;
    }

    void committed(long checkpointId) {
        committedCheckpoint = Math.max(committedCheckpoint, checkpointId);
        problem = "";
    }

    void failed(String reason) {
        problem = reason;
    }

    DestinationStatus status(int pending) {
        return new DestinationStatus(name, problem, committedCheckpoint, pending);
    }

    /** The table as writers see it for rows of one type: a read-only copy taken when bound. */
    static final class Binding {
        final Table writeTable;
        final RowType rowType;
        final String tableUuid;
        /** How rows of the bound type become rows of the table's; null when they already are. */
        final RowFitting fitting;

        /** For an upsert table, the key of its rows; null when appending. */
        final UpsertKey upsertKey;

        Binding(Table table, RowType rowType, RowFitting fitting, UpsertKey upsertKey) {
            this.upsertKey = upsertKey;
            this.writeTable = SerializableTable.copyOf(table);
            this.rowType = rowType;
            this.tableUuid = table.uuid().toString();
            this.fitting = fitting;
        }
    }
}
