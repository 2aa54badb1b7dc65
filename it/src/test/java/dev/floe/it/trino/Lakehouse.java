package dev.floe.it.trino;

import static org.awaitility.Awaitility.await;

import dev.floe.deploy.trino.TrinoServer;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.iceberg.CatalogConfig;
import dev.floe.it.servers.PostgresServer;
import dev.floe.it.servers.RestCatalogServer;
import dev.floe.it.servers.S3Store;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * One Iceberg catalog as Floe and Trino both see it, with its tables' files in an S3-compatible
 * store: how Floe's config names it, how Trino's Iceberg connector names it, and a Java client of
 * it for waiting on commits.
 *
 * @param trinoCatalog the catalog's name in Trino
 * @param floe Floe's catalog section
 * @param trinoProperties Trino's Iceberg connector properties for the same catalog and store
 * @param store the store holding the tables' files and Floe's checkpoints
 */
record Lakehouse(String trinoCatalog, CatalogConfig floe, Map<String, String> trinoProperties, S3Store store) {
    static final String CHECKPOINT_BUCKET = "checkpoints";
    private static final Duration INGEST_TIMEOUT = Duration.ofMinutes(3);

    /** A JDBC catalog on a new PostgreSQL database; Floe's catalog name is Trino's catalog-name. */
    static Lakehouse jdbc(String name, PostgresServer postgres, S3Store store, String warehouse) {
        String url = postgres.createDatabase(name);
        Map<String, String> properties = new LinkedHashMap<>(store.icebergProperties());
        properties.put("jdbc.user", PostgresServer.USER);
        CatalogConfig floe = new CatalogConfig(name, "jdbc", url, warehouse, properties);
        Map<String, String> trino = new LinkedHashMap<>(store.trinoProperties());
        trino.put("iceberg.catalog.type", "jdbc");
        trino.put("iceberg.jdbc-catalog.driver-class", "org.postgresql.Driver");
        trino.put("iceberg.jdbc-catalog.connection-url", url);
        trino.put("iceberg.jdbc-catalog.connection-user", PostgresServer.USER);
        trino.put("iceberg.jdbc-catalog.catalog-name", name);
        trino.put("iceberg.jdbc-catalog.default-warehouse-dir", warehouse);
        return new Lakehouse(name, floe, trino, store);
    }

    /** Iceberg's REST catalog server, its warehouse in the server's store. */
    static Lakehouse rest(String name, RestCatalogServer server) {
        CatalogConfig floe = new CatalogConfig(
                name, "rest", server.uri().toString(), null, server.store().icebergProperties());
        Map<String, String> trino = new LinkedHashMap<>(server.store().trinoProperties());
        trino.put("iceberg.catalog.type", "rest");
        trino.put("iceberg.rest-catalog.uri", server.uri().toString());
        return new Lakehouse(name, floe, trino, server.store());
    }

    /**
     * Floe's config file for this catalog: one pipeline from {@code topic} to {@code table}, with
     * its checkpoints in the store under {@code s3://checkpoints/<table>}, and {@code sinkExtra}
     * (YAML lines at the sink's indentation) added to the sink section.
     */
    String floeYaml(
            String bootstrapServers,
            String registryUrl,
            String pipelineId,
            String topic,
            String table,
            String sinkExtra) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("kafka:\n  bootstrapServers: ").append(bootstrapServers).append('\n');
        yaml.append("schemaRegistry:\n  url: ").append(registryUrl).append('\n');
        // a free port: other Floe processes on the machine may hold the default one
        yaml.append("http:\n  port: 0\n");
        yaml.append("catalog:\n  name: ").append(floe.name()).append('\n');
        yaml.append("  type: ").append(floe.type()).append('\n');
        yaml.append("  uri: ").append(floe.uri()).append('\n');
        if (floe.warehouse() != null) {
            yaml.append("  warehouse: ").append(floe.warehouse()).append('\n');
        }
        yaml.append("  properties:\n");
        floe.properties()
                .forEach((key, value) -> yaml.append("    ")
                        .append(key)
                        .append(": \"")
                        .append(value)
                        .append("\"\n"));
        yaml.append("checkpoints:\n  interval: 1s\n  storage: s3://")
                .append(CHECKPOINT_BUCKET)
                .append('/')
                .append(table.replace('.', '-'))
                .append('\n')
                .append(store.checkpointYaml("  "));
        yaml.append("pipelines:\n  - id: ").append(pipelineId).append('\n');
        yaml.append("    parallelism: 2\n");
        yaml.append("    source:\n      topics: [").append(topic).append("]\n      startFrom: earliest\n");
        yaml.append("    sink:\n      table: ").append(table).append('\n').append(sinkExtra);
        return yaml.toString();
    }

    static FloeConfig parse(String yaml) {
        return new ConfigLoader(Sinks.installed(), name -> null, 2).parse("test.yaml", yaml);
    }

    /**
     * Runs Floe on {@code config} until {@code table} holds {@code rows} rows, then stops it with
     * a final checkpoint.
     */
    void ingest(FloeConfig config, String table, long rows) {
        store.createBucket(CHECKPOINT_BUCKET);
        Catalog catalog = floe.load();
        try (FloeRuntime runtime = FloeRuntime.start(config, Clock.systemUTC())) {
            await("table " + table + " holding " + rows + " rows")
                    .atMost(INGEST_TIMEOUT)
                    .pollInterval(Duration.ofMillis(500))
                    .failFast(
                            "a pipeline failed",
                            () -> runtime.pipelines().stream()
                                    .anyMatch(pipeline -> pipeline.state() == Pipeline.State.FAILED))
                    .until(() -> committedRows(catalog, table) >= rows);
            runtime.stop(Duration.ofSeconds(60));
        }
    }

    /** The rows in the table's current snapshot, 0 before the table exists. */
    static long committedRows(Catalog catalog, String table) {
        TableIdentifier identifier = TableIdentifier.parse(table);
        if (!catalog.tableExists(identifier)) {
            return 0;
        }
        Snapshot snapshot = catalog.loadTable(identifier).currentSnapshot();
        return snapshot == null
                ? 0
                : Long.parseLong(snapshot.summary().getOrDefault(SnapshotSummary.TOTAL_RECORDS_PROP, "0"));
    }

    Table loadTable(String table) {
        return floe.load().loadTable(TableIdentifier.parse(table));
    }

    /** Adds this catalog to Trino under {@link #trinoCatalog()}. */
    void registerIn(TrinoServer trino) {
        trino.createIcebergCatalog(trinoCatalog, trinoProperties);
    }

    /** Every row of a Trino query, each as its columns' JDBC objects. */
    static List<List<Object>> query(TrinoServer trino, String sql) throws SQLException {
        try (Connection connection = trino.connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            ResultSetMetaData metadata = result.getMetaData();
            List<List<Object>> rows = new ArrayList<>();
            while (result.next()) {
                List<Object> row = new ArrayList<>();
                for (int column = 1; column <= metadata.getColumnCount(); column++) {
                    row.add(result.getObject(column));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    static String describe(List<List<Object>> rows) {
        return rows.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }
}
