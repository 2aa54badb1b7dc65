package dev.floe.iceberg;

import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.sink.Sink;
import dev.floe.engine.spi.sink.SinkContext;
import dev.floe.engine.spi.sink.SinkDefinition;
import java.io.Closeable;
import java.io.IOException;
import org.apache.iceberg.catalog.Catalog;

/** A pipeline's Iceberg table, configured. */
final class IcebergSinkDefinition implements SinkDefinition {
    private final String pipelineId;
    private final CatalogConfig catalog;
    private final TableConfig table;

    IcebergSinkDefinition(String pipelineId, CatalogConfig catalog, TableConfig table) {
        this.pipelineId = pipelineId;
        this.catalog = catalog;
        this.table = table;
    }

    String pipelineId() {
        return pipelineId;
    }

    CatalogConfig catalog() {
        return catalog;
    }

    TableConfig table() {
        return table;
    }

    @Override
    public String describe() {
        return "iceberg table" + (TableRouter.of(table.name()).isFixed() ? " " : "s ") + catalog.name() + "."
                + table.name() + (table.commit().everyCheckpoint() ? "" : ", committed " + table.commit());
    }

    @Override
    public boolean appliesDeletes() {
        return table.upsert();
    }

    @Override
    public SinkDefinition asWriter(String writerId) {
        return new IcebergSinkDefinition(writerId, catalog, table.withoutFormerIds());
    }

    @Override
    public Sink open(SinkContext context) {
        Catalog loaded;
        try {
            loaded = catalog.load();
        } catch (RuntimeException e) {
            throw new RetriableException(
                    IcebergErrorCode.CATALOG_UNAVAILABLE,
                    "Cannot load catalog " + catalog.name() + " (" + catalog.type() + ") for pipeline " + pipelineId
                            + ": " + e.getMessage(),
                    e);
        }
        try {
            return new IcebergSink(pipelineId, loaded, table, context.clock(), context.commits());
        } catch (RuntimeException e) {
            closeQuietly(loaded);
            throw e;
        }
    }

    private static void closeQuietly(Catalog catalog) {
        if (catalog instanceof Closeable) {
            try {
                ((Closeable) catalog).close();
            } catch (IOException e) {
                // the original failure matters more
            }
        }
    }
}
