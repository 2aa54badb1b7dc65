package dev.floe.iceberg;

import dev.floe.engine.spi.config.ConfigOption;
import dev.floe.engine.spi.config.ConfigSection;
import dev.floe.engine.spi.config.ConfigSpec;
import dev.floe.engine.spi.config.DataSize;
import dev.floe.engine.spi.sink.SinkDefinition;
import dev.floe.engine.spi.sink.SinkProvider;
import java.util.List;

/** Floe's Iceberg sink, found with {@link java.util.ServiceLoader}. */
public final class IcebergSinkProvider implements SinkProvider {
    @Override
    public String type() {
        return "iceberg";
    }

    @Override
    public List<ConfigOption<?>> rootOptions() {
        return List.of(IcebergOptions.CATALOG_SECTION);
    }

    @Override
    public ConfigSpec sinkSpec() {
        return IcebergOptions.SINK;
    }

    @Override
    public SinkDefinition configure(String pipelineId, ConfigSection root, ConfigSection sink) {
        ConfigSection catalogSection = root.get(IcebergOptions.CATALOG_SECTION);
        String type = catalogSection.get(IcebergOptions.CATALOG_TYPE);
        java.util.Map<String, String> catalogProperties = catalogSection.get(IcebergOptions.CATALOG_PROPERTIES);
        if (type == null && !catalogProperties.containsKey(CatalogConfig.CATALOG_IMPL)) {
            catalogSection.problem(
                    IcebergOptions.CATALOG_TYPE,
                    "set the catalog's type (jdbc, rest, hadoop, hive, glue, nessie), or properties."
                            + CatalogConfig.CATALOG_IMPL);
        }
        CatalogConfig catalog = new CatalogConfig(
                catalogSection.get(IcebergOptions.CATALOG_NAME),
                type == null ? CatalogConfig.CUSTOM : type,
                catalogSection.get(IcebergOptions.CATALOG_URI),
                catalogSection.get(IcebergOptions.WAREHOUSE),
                catalogProperties);
        if ("jdbc".equals(type) && catalog.uri() == null) {
            catalogSection.problem(IcebergOptions.CATALOG_URI, "a jdbc catalog needs its JDBC URL as uri");
        }
        List<String> partitionBy = sink.get(IcebergOptions.PARTITION_BY);
        for (String expression : partitionBy) {
            String problem = PartitionSpecs.checkSyntax(expression);
            if (problem != null) {
                sink.problem(IcebergOptions.PARTITION_BY, problem);
            }
        }
        List<String> sortBy = sink.get(IcebergOptions.SORT_BY);
        for (String expression : sortBy) {
            String problem = SortOrders.checkSyntax(expression);
            if (problem != null) {
                sink.problem(IcebergOptions.SORT_BY, problem);
            }
        }
        boolean upsert = "upsert".equals(sink.get(IcebergOptions.MODE));
        List<String> identifierFields = sink.get(IcebergOptions.IDENTIFIER_FIELDS);
        String deleteWhen = sink.get(IcebergOptions.DELETE_WHEN);
        if (!upsert && !identifierFields.isEmpty()) {
            sink.problem(IcebergOptions.IDENTIFIER_FIELDS, "identifier fields are for mode: upsert");
        }
        if (!upsert && deleteWhen != null) {
            sink.problem(IcebergOptions.DELETE_WHEN, "deleteWhen is for mode: upsert");
        }
        String table = sink.get(IcebergOptions.TABLE);
        DataSize targetFileSize = sink.get(IcebergOptions.TARGET_FILE_SIZE);
        TableConfig tableConfig = new TableConfig(
                table == null ? "invalid.table" : table,
                partitionBy,
                sink.get(IcebergOptions.FORMAT_VERSION),
                targetFileSize == null ? 0 : targetFileSize.bytes(),
                sink.get(IcebergOptions.MAX_OPEN_FILES),
                sink.get(IcebergOptions.TABLE_PROPERTIES),
                sink.get(IcebergOptions.CREATE_TABLE),
                sink.get(IcebergOptions.FORMER_IDS),
                sortBy,
                sink.get(IcebergOptions.SORT_BUFFER_ROWS),
                upsert,
                identifierFields,
                deleteWhen,
                commitPolicy(sink.get(IcebergOptions.COMMIT_SECTION))
                        .withParallelism(
                                sink.get(IcebergOptions.COMMIT_SECTION).get(IcebergOptions.COMMIT_PARALLELISM)));
        return new IcebergSinkDefinition(pipelineId, catalog, tableConfig);
    }

    private static CommitPolicy commitPolicy(ConfigSection commit) {
        DataSize minBytes = commit.get(IcebergOptions.COMMIT_MIN_BYTES);
        java.time.Duration maxAge = commit.get(IcebergOptions.COMMIT_MAX_AGE);
        if (commit.isSet(IcebergOptions.COMMIT_EVERY) && (minBytes != null || maxAge != null)) {
            commit.problem(
                    IcebergOptions.COMMIT_EVERY,
                    "every: checkpoint commits at each checkpoint; drop it to commit at minBytes or maxAge instead");
            return CommitPolicy.EVERY_CHECKPOINT;
        }
        if (minBytes != null && maxAge == null) {
            commit.problem(
                    IcebergOptions.COMMIT_MIN_BYTES,
                    "minBytes needs maxAge too (5m, say), or a table that receives little data is never committed");
            return CommitPolicy.EVERY_CHECKPOINT;
        }
        if (minBytes != null && minBytes.bytes() <= 0) {
            commit.problem(IcebergOptions.COMMIT_MIN_BYTES, "must be more than 0 bytes");
            return CommitPolicy.EVERY_CHECKPOINT;
        }
        if (maxAge != null && (maxAge.isZero() || maxAge.isNegative())) {
            commit.problem(IcebergOptions.COMMIT_MAX_AGE, "must be longer than 0");
            return CommitPolicy.EVERY_CHECKPOINT;
        }
        if (maxAge == null) {
            return CommitPolicy.EVERY_CHECKPOINT;
        }
        return CommitPolicy.deferred(minBytes == null ? 0 : minBytes.bytes(), maxAge);
    }
}
