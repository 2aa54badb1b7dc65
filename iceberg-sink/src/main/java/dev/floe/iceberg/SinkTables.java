package dev.floe.iceberg;

import dev.floe.engine.spi.sink.SinkDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a pipeline's Iceberg sink writes, for tools that read its tables (audit, table listings)
 * without opening the sink.
 *
 * @param catalog the catalog
 * @param table the table's name, or a template of names when {@code routed}
 * @param pipelineIds the pipeline's id, then the ids it had before a rename
 * @param routed whether {@code table} is a template of several tables' names
 */
public record SinkTables(CatalogConfig catalog, String table, List<String> pipelineIds, boolean routed) {
    public SinkTables {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(table, "table");
        pipelineIds = List.copyOf(pipelineIds);
    }

    /** The tables of {@code definition}, when it is an Iceberg sink. */
    public static Optional<SinkTables> of(SinkDefinition definition) {
        if (!(definition instanceof IcebergSinkDefinition iceberg)) {
            return Optional.empty();
        }
        List<String> ids = new ArrayList<>();
        ids.add(iceberg.pipelineId());
        ids.addAll(iceberg.table().formerIds());
        return Optional.of(new SinkTables(
                iceberg.catalog(),
                iceberg.table().name(),
                ids,
                !TableRouter.of(iceberg.table().name()).isFixed()));
    }
}
