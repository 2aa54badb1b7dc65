package dev.floe.deploy.demo;

import dev.floe.deploy.trino.JavaHome;
import dev.floe.deploy.trino.TrinoDistribution;
import dev.floe.deploy.trino.TrinoServer;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's Trino: Trino's server with its Iceberg connector on the demo's catalog (the JDBC
 * catalog on SQLite, with SQLite's driver added to the connector) and warehouse, and the queries a
 * user would run first.
 */
final class DemoTrino implements AutoCloseable {
    static final String CATALOG = "demo";

    /** The queries the demo prints, each with what it shows. */
    static final Map<String, String> QUERIES = queries();

    /** The queries on the window pipeline's table, which only the bundled config has. */
    static final Map<String, String> WINDOW_QUERIES = windowQueries();

    /** The heading of the query that checks Floe's windows against Trino's GROUP BY of the raw orders. */
    static final String WINDOW_CHECK = "Floe's windows against Trino's GROUP BY over the raw orders";

    private final TrinoServer server;

    private DemoTrino(TrinoServer server) {
        this.server = server;
    }

    private static Map<String, String> queries() {
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put(
                "Orders, customers and revenue",
                "SELECT count(*) AS orders, count(DISTINCT customer_id) AS customers, sum(price) AS revenue"
                        + " FROM demo.demo.orders");
        queries.put(
                "Revenue by country, top 5",
                "SELECT country, count(*) AS orders, sum(price) AS revenue FROM demo.demo.orders"
                        + " GROUP BY country ORDER BY revenue DESC LIMIT 5");
        queries.put(
                "Floe's commits: one snapshot per checkpoint",
                "SELECT snapshot_id, summary['floe.checkpoint-id'] AS checkpoint, summary['added-records'] AS rows,"
                        + " summary['floe.offsets'] AS offsets FROM demo.demo.\"orders$snapshots\""
                        + " ORDER BY committed_at");
        return queries;
    }

    private static Map<String, String> windowQueries() {
        // the raw orders bucketed into the same 10-second windows, aligned to the epoch like Floe's
        String raw = "SELECT from_unixtime(floor(to_unixtime(event_time) / 10) * 10) AS window_start, country,"
                + " count(*) AS orders, sum(price) AS revenue FROM demo.demo.orders GROUP BY 1, 2";
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put(
                "Revenue per country in 10-second event-time windows (pipeline country-revenue), the latest 5",
                "SELECT window_start, window_end, country, orders, units, revenue FROM demo.demo.country_revenue_10s"
                        + " ORDER BY window_start DESC, revenue DESC LIMIT 5");
        queries.put(
                WINDOW_CHECK,
                "SELECT count(*) AS windows, count_if(w.orders = r.orders AND w.revenue = r.revenue) AS equal,"
                        + " count_if(r.orders IS NULL) AS missing_in_raw FROM demo.demo.country_revenue_10s w"
                        + " LEFT JOIN (" + raw + ") r ON r.window_start = w.window_start AND r.country = w.country");
        return queries;
    }

    /**
     * Starts Trino on the demo's catalog; empty, with the reason printed, when this machine has no
     * JDK for it.
     */
    static Optional<DemoTrino> start(PrintStream out, DemoEnvironment environment, Path archive) {
        Path userHome = Path.of(System.getProperty("user.home"));
        Optional<JavaHome> java = JavaHome.find(TrinoDistribution.JAVA_FEATURE, System.getenv(), userHome);
        if (java.isEmpty()) {
            out.println("Trino " + TrinoDistribution.VERSION + " needs Java " + TrinoDistribution.JAVA_FEATURE
                    + " or newer and none is installed; set " + JavaHome.TRINO_JAVA_HOME + " to one to query the"
                    + " table in Trino.");
            return Optional.empty();
        }
        out.println("Starting Trino " + TrinoDistribution.VERSION + " on the demo's catalog (Java "
                + java.get().feature() + ") ...");
        TrinoDistribution distribution =
                TrinoDistribution.unpacked(archive, TrinoDistribution.defaultCache(System.getenv(), userHome));
        Path directory = environment.directory().resolve("trino");
        TrinoServer server = TrinoServer.start(
                distribution, java.get(), directory, directory.resolve("trino.log"), List.of(sqliteDriver()));
        try {
            server.createIcebergCatalog(CATALOG, catalogProperties(environment));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        out.printf(
                "Trino started in %.1f s: %s (catalog '%s'), log %s%n",
                server.startupTime().toMillis() / 1000.0, server.jdbcUrl(), CATALOG, server.logFile());
        return Optional.of(new DemoTrino(server));
    }

    /** Trino's Iceberg connector on the same catalog and warehouse as Floe's demo config. */
    static Map<String, String> catalogProperties(DemoEnvironment environment) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("iceberg.catalog.type", "jdbc");
        properties.put("iceberg.jdbc-catalog.driver-class", "org.sqlite.JDBC");
        properties.put("iceberg.jdbc-catalog.connection-url", environment.catalogUri());
        // Floe's catalog name in demo/floe.yaml: the JDBC catalog keys its tables by it
        properties.put("iceberg.jdbc-catalog.catalog-name", "demo");
        properties.put("iceberg.jdbc-catalog.default-warehouse-dir", environment.warehouse());
        properties.put("fs.native-local.enabled", "true");
        properties.put("local.location", "/");
        return properties;
    }

    /** The jar of the SQLite driver Floe's own catalog client uses (a runtime dependency of the sink). */
    private static Path sqliteDriver() {
        try {
            return Path.of(Class.forName("org.sqlite.JDBC")
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (ClassNotFoundException | URISyntaxException e) {
            throw new IllegalStateException("Cannot find the SQLite driver's jar: " + e.getMessage(), e);
        }
    }

    String jdbcUrl() {
        return server.jdbcUrl();
    }

    /**
     * Runs every query of {@link #QUERIES}, and of {@link #WINDOW_QUERIES} if asked, and prints its
     * result as a table.
     */
    void printQueries(PrintStream out, boolean windows) throws SQLException {
        Map<String, String> queries = new LinkedHashMap<>(QUERIES);
        if (windows) {
            queries.putAll(WINDOW_QUERIES);
        }
        try (Connection connection = server.connect();
                Statement statement = connection.createStatement()) {
            for (Map.Entry<String, String> query : queries.entrySet()) {
                out.println();
                out.println(query.getKey() + ":");
                out.println("trino> " + query.getValue() + ";");
                try (ResultSet result = statement.executeQuery(query.getValue())) {
                    printTable(out, result);
                }
            }
        }
    }

    private static void printTable(PrintStream out, ResultSet result) throws SQLException {
        ResultSetMetaData metadata = result.getMetaData();
        int columns = metadata.getColumnCount();
        List<String[]> rows = new ArrayList<>();
        String[] header = new String[columns];
        int[] widths = new int[columns];
        for (int i = 0; i < columns; i++) {
            header[i] = metadata.getColumnLabel(i + 1);
            widths[i] = header[i].length();
        }
        while (result.next()) {
            String[] row = new String[columns];
            for (int i = 0; i < columns; i++) {
                Object value = result.getObject(i + 1);
                row[i] = value == null ? "NULL" : value.toString();
                widths[i] = Math.max(widths[i], row[i].length());
            }
            rows.add(row);
        }
        out.println(line(header, widths));
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < columns; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
        }
        out.println(" " + rule);
        for (String[] row : rows) {
            out.println(line(row, widths));
        }
        out.printf("(%d row%s)%n", rows.size(), rows.size() == 1 ? "" : "s");
    }

    private static String line(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder(" ");
        for (int i = 0; i < cells.length; i++) {
            line.append(i == 0 ? "" : " | ").append(String.format("%-" + widths[i] + "s", cells[i]));
        }
        return line.toString().stripTrailing();
    }

    @Override
    public void close() {
        server.close();
    }
}
