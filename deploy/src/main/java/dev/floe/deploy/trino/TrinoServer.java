package dev.floe.deploy.trino;

import dev.floe.deploy.process.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Trino server (coordinator and worker in one) run from an unpacked {@link
 * TrinoDistribution} without its launcher, on a free loopback port. Catalogs are added while it
 * runs ({@code CREATE CATALOG}), so one server serves every catalog a test run or the demo needs.
 *
 * <p>Its start-up is made cheap for small machines: the JIT stops at C1, and a class-data-sharing
 * archive in the distribution's cache, written by the first start, is mapped by the later ones.
 */
public final class TrinoServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrinoServer.class);
    private static final String HOST = "127.0.0.1";
    private static final String READY = "======== SERVER STARTED ========";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    /** A port taken by someone else between our probe and Trino's bind is retried. */
    private static final int START_ATTEMPTS = 3;

    private final ServerProcess process;
    private final int port;

    private TrinoServer(ServerProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts Trino with {@code java}, keeping its configuration and data under {@code directory}
     * and its output in {@code logFile}.
     */
    public static TrinoServer start(TrinoDistribution distribution, JavaHome java, Path directory, Path logFile) {
        return start(distribution, java, directory, logFile, List.of());
    }

    /**
     * Starts Trino as {@link #start(TrinoDistribution, JavaHome, Path, Path)} does, with {@code
     * connectorJars} added to the Iceberg connector's class path: a JDBC driver for a catalog
     * database Trino does not ship one for (SQLite, say).
     */
    public static TrinoServer start(
            TrinoDistribution distribution, JavaHome java, Path directory, Path logFile, List<Path> connectorJars) {
        Objects.requireNonNull(distribution, "distribution");
        if (java.feature() < TrinoDistribution.JAVA_FEATURE) {
            throw new IllegalArgumentException("Cannot start Trino " + TrinoDistribution.VERSION + " with Java "
                    + java.feature() + " at " + java.home() + ": it needs Java " + TrinoDistribution.JAVA_FEATURE
                    + " or newer");
        }
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            try {
                return new TrinoServer(
                        ServerProcess.start(launch(distribution, java, directory, logFile, port, connectorJars)), port);
            } catch (IllegalStateException e) {
                last = e;
                if (!logMentions(logFile, "Address already in use")) {
                    throw e;
                }
                LOG.warn("Trino's port {} was taken; trying another", port);
            }
        }
        throw last;
    }

    private static ServerProcess.Launch launch(
            TrinoDistribution distribution,
            JavaHome java,
            Path directory,
            Path logFile,
            int port,
            List<Path> connectorJars) {
        Path etc = directory.resolve("etc").toAbsolutePath();
        Path data = directory.resolve("data").toAbsolutePath();
        Path plugins = connectorJars.isEmpty()
                ? distribution.pluginDirectory()
                : directory.resolve("plugin").toAbsolutePath();
        try {
            Files.createDirectories(etc);
            if (!connectorJars.isEmpty()) {
                linkConnector(distribution, plugins.resolve("iceberg"), connectorJars);
            }
            Files.createDirectories(data);
            Files.writeString(
                    etc.resolve("config.properties"),
                    properties(Map.of(
                            "coordinator", "true",
                            "node-scheduler.include-coordinator", "true",
                            "http-server.http.port", Integer.toString(port),
                            "discovery.uri", "http://" + HOST + ":" + port,
                            "query.max-memory", "512MB",
                            "query.max-memory-per-node", "512MB",
                            "plugin.dir", plugins.toString(),
                            "catalog.management", "dynamic",
                            "catalog.store", "memory",
                            // the output is the process's, which goes to the log file
                            "log.enable-console", "true")),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write Trino's configuration in " + etc + ": " + e, e);
        }
        List<String> command = new ArrayList<>(List.of(
                java.java().toString(),
                "-cp",
                distribution.lib().resolve("*").toString(),
                "-Xmx1G",
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:-OmitStackTraceInFastThrow",
                "-XX:+EnableDynamicAgentLoading",
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-Djdk.attach.allowAttachSelf=true",
                "-Dfile.encoding=UTF-8",
                // start-up CPU: the queries Floe's users and tests run here are small
                "-XX:TieredStopAtLevel=1",
                "-XX:+AutoCreateSharedArchive",
                "-XX:SharedArchiveFile=" + distribution.home().resolve("trino-java" + java.feature() + ".jsa"),
                "-Dnode.environment=floe",
                "-Dnode.id=" + UUID.randomUUID(),
                "-Dnode.data-dir=" + data,
                "-Dnode.internal-address=" + HOST,
                "-Dconfig=" + etc.resolve("config.properties"),
                "io.trino.server.TrinoServer"));
        return new ServerProcess.Launch(
                "Trino " + TrinoDistribution.VERSION,
                command,
                Map.of(),
                directory.toAbsolutePath(),
                logFile,
                line -> line.contains(READY),
                START_TIMEOUT);
    }

    /** A connector folder of links to the distribution's connector jars and to {@code extra}. */
    private static void linkConnector(TrinoDistribution distribution, Path folder, List<Path> extra)
            throws IOException {
        Files.createDirectories(folder);
        List<Path> jars = new ArrayList<>(extra);
        try (Stream<Path> shipped = Files.list(distribution.pluginDirectory().resolve("iceberg"))) {
            shipped.filter(Files::isRegularFile).forEach(jars::add);
        }
        for (Path jar : jars) {
            Path link = folder.resolve(jar.getFileName());
            if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, jar.toAbsolutePath());
            }
        }
    }

    private static String properties(Map<String, String> values) {
        return values.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static boolean logMentions(Path logFile, String text) {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free loopback port for Trino", e);
        }
    }

    public int port() {
        return port;
    }

    /** The URL for trino-jdbc. */
    public String jdbcUrl() {
        return "jdbc:trino://" + HOST + ":" + port;
    }

    /** From the start of the process to Trino's "SERVER STARTED". */
    public Duration startupTime() {
        return process.startupTime();
    }

    public Path logFile() {
        return process.logFile();
    }

    /** A connection as user {@code floe}. */
    public Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "floe");
        return DriverManager.getConnection(jdbcUrl(), properties);
    }

    /**
     * Adds an Iceberg catalog named {@code name} with the connector's {@code properties}
     * (iceberg.catalog.type, fs.native-s3.enabled, ...); replaces one of the same name.
     */
    public void createIcebergCatalog(String name, Map<String, String> properties) {
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException(
                    "Cannot create Trino catalog '" + name + "': use lower-case letters," + " digits and '_'");
        }
        String with = properties.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(entry ->
                        "\"" + entry.getKey() + "\" = '" + entry.getValue().replace("'", "''") + "'")
                .collect(Collectors.joining(", "));
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            statement.execute("DROP CATALOG IF EXISTS " + name);
            statement.execute("CREATE CATALOG " + name + " USING iceberg WITH (" + with + ")");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create Trino catalog " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
