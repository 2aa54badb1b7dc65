package dev.floe.it.servers;

import dev.floe.deploy.process.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the test servers that run as child processes are started: S3Mock, S3Proxy and Iceberg's REST
 * catalog fixture, each from jars the build resolved from Maven Central, on free loopback ports.
 */
final class ServerLaunches {
    private static final Logger LOG = LoggerFactory.getLogger(ServerLaunches.class);
    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final int START_ATTEMPTS = 3;

    private ServerLaunches() {}

    /** Adobe's S3Mock (a Spring Boot application) storing objects under {@code directory}. */
    static S3Store s3Mock(Path jar, Path directory, Path logFile) {
        return startWithRetries(logFile, port -> {
            int httpsPort = freePort();
            ServerProcess process = ServerProcess.start(new ServerProcess.Launch(
                    "S3Mock",
                    List.of(
                            java(),
                            "-Xmx256m",
                            "-XX:TieredStopAtLevel=1",
                            "-jar",
                            jar.toString(),
                            "--http.port=" + port,
                            // the HTTPS port, unused, but bound: off its fixed default
                            "--server.port=" + httpsPort,
                            "--server.address=" + HOST,
                            "--com.adobe.testing.s3mock.store.root=" + directory,
                            "--com.adobe.testing.s3mock.store.retainFilesOnExit=true",
                            // Iceberg's S3FileIO puts files up to its 32 MB multipart size in one request
                            "--com.adobe.testing.s3mock.max-payload-size=64MB"),
                    Map.of(),
                    directory,
                    logFile,
                    line -> line.contains("Started S3MockApplication"),
                    START_TIMEOUT));
            return new S3Store(S3Store.Kind.S3MOCK, process, URI.create("http://" + HOST + ":" + port));
        });
    }

    /** S3Proxy on its file-system back end under {@code directory}, checking SigV4 signatures. */
    static S3Store s3Proxy(Path jar, Path directory, Path logFile) {
        return startWithRetries(logFile, port -> {
            Path properties = directory.resolve("s3proxy.properties");
            Path data = directory.resolve("data");
            try {
                Files.createDirectories(data);
                Files.writeString(
                        properties,
                        String.join(
                                "\n",
                                "s3proxy.endpoint=http://" + HOST + ":" + port,
                                "s3proxy.authorization=aws-v2-or-v4",
                                "s3proxy.identity=" + S3Store.ACCESS_KEY_ID,
                                "s3proxy.credential=" + S3Store.SECRET_ACCESS_KEY,
                                "jclouds.provider=filesystem",
                                "jclouds.filesystem.basedir=" + data,
                                ""),
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write S3Proxy's settings in " + directory + ": " + e, e);
            }
            ServerProcess process = ServerProcess.start(new ServerProcess.Launch(
                    "S3Proxy",
                    List.of(
                            java(),
                            "-Xmx256m",
                            "-XX:TieredStopAtLevel=1",
                            "-jar",
                            jar.toString(),
                            "--properties",
                            properties.toString()),
                    Map.of(),
                    directory,
                    logFile,
                    ServerLaunches::jettyStarted,
                    START_TIMEOUT));
            return new S3Store(S3Store.Kind.S3PROXY, process, URI.create("http://" + HOST + ":" + port));
        });
    }

    /**
     * Iceberg's REST catalog fixture ({@code RESTCatalogServer}) in a JVM of its own, with the class
     * path the build wrote to {@code classpathFile}: a JdbcCatalog on a SQLite file behind it, its
     * warehouse at {@code warehouse} in {@code store}.
     */
    static RestCatalogServer restCatalog(
            Path classpathFile, S3Store store, String warehouse, Path directory, Path logFile) {
        String classpath;
        try {
            classpath = Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
            Files.writeString(
                    directory.resolve("logback.xml"),
                    "<configuration><appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                            + "<encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>"
                            + "</appender><root level=\"INFO\"><appender-ref ref=\"OUT\"/></root></configuration>\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot read the REST catalog's class path from " + classpathFile
                            + " (written by the it/rest-catalog-fixture module): " + e,
                    e);
        }
        return startWithRetries(logFile, port -> {
            // RESTCatalogServer reads its catalog's properties from CATALOG_* variables:
            // '__' stands for '-', '_' for '.'
            Map<String, String> environment = new java.util.HashMap<>();
            environment.put("CATALOG_URI", "jdbc:sqlite:" + directory.resolve("catalog.db"));
            environment.put("CATALOG_JDBC_SCHEMA__VERSION", "V1");
            environment.put("CATALOG_WAREHOUSE", warehouse);
            environment.put("CATALOG_IO__IMPL", "org.apache.iceberg.aws.s3.S3FileIO");
            environment.put("CATALOG_HTTP__CLIENT_TYPE", "urlconnection");
            environment.put("CATALOG_REST_PORT", Integer.toString(port));
            store.icebergProperties()
                    .forEach((key, value) -> environment.put(
                            "CATALOG_"
                                    + key.replace("-", "__").replace(".", "_").toUpperCase(),
                            value));
            ServerProcess process = ServerProcess.start(new ServerProcess.Launch(
                    "Iceberg REST catalog",
                    List.of(
                            java(),
                            "-Xmx256m",
                            "-XX:TieredStopAtLevel=1",
                            "-Dlogback.configurationFile=" + directory.resolve("logback.xml"),
                            "-cp",
                            classpath,
                            "org.apache.iceberg.rest.RESTCatalogServer"),
                    environment,
                    directory,
                    logFile,
                    ServerLaunches::jettyStarted,
                    START_TIMEOUT));
            return new RestCatalogServer(process, URI.create("http://" + HOST + ":" + port), warehouse, store);
        });
    }

    private static boolean jettyStarted(String line) {
        return line.contains("Started") && line.contains("Server@");
    }

    /** Starts on a free port, and on another when someone took it between the probe and the bind. */
    private static <T> T startWithRetries(Path logFile, IntFunction<T> start) {
        List<RuntimeException> failures = new ArrayList<>();
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            try {
                return start.apply(port);
            } catch (IllegalStateException e) {
                failures.add(e);
                if (!logMentions(logFile, "already in use")) {
                    throw e;
                }
                LOG.warn("Port {} was taken before the server bound it; trying another", port);
            }
        }
        throw failures.get(failures.size() - 1);
    }

    private static boolean logMentions(Path logFile, String text) {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free loopback port", e);
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
