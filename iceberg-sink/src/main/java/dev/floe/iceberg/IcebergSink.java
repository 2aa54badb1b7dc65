package dev.floe.iceberg;

import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.sink.CommitObserver;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.Sink;
import dev.floe.engine.spi.sink.SinkCommitter;
import dev.floe.engine.spi.sink.SinkWriter;
import java.io.Closeable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SerializableTable;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipeline's Iceberg table. The table is loaded when the sink opens, or created from the first
 * record's schema. Writers work on an immutable copy of the table as it was bound; the committer
 * works on the live table.
 */
final class IcebergSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(IcebergSink.class);

    private final String pipelineId;
    private final Catalog catalog;
    private final TableConfig config;
    private final IcebergCommitter committer;
    private Table table;
    private volatile Binding binding;

    IcebergSink(String pipelineId, Catalog catalog, TableConfig config, CommitObserver commits) {
        this.pipelineId = pipelineId;
        this.catalog = catalog;
        this.config = config;
        this.committer = new IcebergCommitter(pipelineId, this, commits);
        try {
            this.table = catalog.loadTable(config.identifier());
        } catch (NoSuchTableException e) {
            this.table = null;
        } catch (RuntimeException e) {
            throw new RetriableException(
                    IcebergErrorCode.CATALOG_UNAVAILABLE,
                    "Cannot load table " + config.name() + " for pipeline " + pipelineId + ": " + e.getMessage(),
                    e);
        }
    }

    String pipelineId() {
        return pipelineId;
    }

    String tableName() {
        return config.name();
    }

    /** The live table, or null before it exists. */
    synchronized Table table() {
        return table;
    }

    @Override
    public synchronized RowType rowType(Schema produced) {
        if (binding == null) {
            if (table == null) {
                table = create(produced);
            }
            binding = new Binding(table);
            LOG.info(
                    "Pipeline {} writes table {} (format v{}, spec {}, schema {})",
                    pipelineId,
                    config.name(),
                    binding.formatVersion(),
                    binding.writeTable.spec(),
                    binding.writeTable.schema().schemaId());
        }
        return binding.rowType;
    }

    /** What writers write with: the table as bound, for rows of {@code type}. */
    Binding binding(RowType type) {
        Binding current = binding;
        if (current == null || current.rowType != type) {
            throw new IllegalStateException(
                    "Cannot write rows of type " + type + " to table " + config.name() + ": not the table's row type");
        }
        return current;
    }

    long targetFileSize(Table writeTable) {
        if (config.targetFileSize() > 0) {
            return config.targetFileSize();
        }
        return Long.parseLong(writeTable
                .properties()
                .getOrDefault(
                        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
                        String.valueOf(TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT)));
    }

    int maxOpenFiles() {
        return config.maxOpenFiles();
    }

    private Table create(Schema produced) {
        if (!config.createTable()) {
            throw new FatalException(
                    IcebergErrorCode.TABLE_NOT_FOUND,
                    "Cannot write table " + config.name() + " for pipeline " + pipelineId
                            + ": it does not exist, and sink.createTable is false");
        }
        TableIdentifier identifier = config.identifier();
        PartitionSpec spec;
        try {
            spec = PartitionSpecs.build(produced, config.partitionBy());
        } catch (IllegalArgumentException e) {
            throw new FatalException(
                    IcebergErrorCode.TABLE_CREATION_FAILED,
                    "Cannot create table " + config.name() + " for pipeline " + pipelineId + ": " + e.getMessage(),
                    e);
        }
        Map<String, String> properties = new HashMap<>();
        properties.put(TableProperties.FORMAT_VERSION, Integer.toString(config.formatVersion()));
        properties.putAll(config.properties());
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
                    .withProperties(properties)
                    .create();
            LOG.info(
                    "Created table {} for pipeline {}: {} partitioned by {}",
                    config.name(),
                    pipelineId,
                    produced,
                    spec);
            return created;
        } catch (AlreadyExistsException e) {
            // another process created it meanwhile: use theirs
            return catalog.loadTable(identifier);
        } catch (RuntimeException e) {
            throw new RetriableException(
                    IcebergErrorCode.CATALOG_UNAVAILABLE,
                    "Cannot create table " + config.name() + " for pipeline " + pipelineId + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public SinkWriter createWriter(int subtask) {
        return new IcebergTableWriter(this, subtask);
    }

    @Override
    public SinkCommitter committer() {
        return committer;
    }

    @Override
    public synchronized Optional<CommittedPosition> committed() {
        if (table == null) {
            return Optional.empty();
        }
        try {
            table.refresh();
        } catch (RuntimeException e) {
            throw new RetriableException(
                    IcebergErrorCode.CATALOG_UNAVAILABLE,
                    "Cannot read table " + config.name() + " for pipeline " + pipelineId + ": " + e.getMessage(),
                    e);
        }
        return SnapshotMarkers.latest(table, pipelineId);
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

    /** The table as writers see it: a read-only copy taken when the sink bound its row type. */
    static final class Binding {
        final Table writeTable;
        final RowType rowType;
        final String tableUuid;

        Binding(Table table) {
            this.writeTable = SerializableTable.copyOf(table);
            this.rowType = RowType.of(table.schema());
            this.tableUuid = table.uuid().toString();
        }

        int formatVersion() {
            return TableUtil.formatVersion(writeTable);
        }
    }
}
