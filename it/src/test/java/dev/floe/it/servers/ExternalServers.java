package dev.floe.it.servers;

import dev.floe.deploy.trino.JavaHome;
import dev.floe.deploy.trino.TrinoDistribution;
import dev.floe.deploy.trino.TrinoServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers the lakehouse tests share, each run as a child process and started the first time a
 * test asks for it: S3Mock, S3Proxy, PostgreSQL, Iceberg's REST catalog and Trino. Stopped when the
 * JVM's tests are done, in reverse order of starting.
 *
 * <p>Where to find what each runs comes from Failsafe's system properties, set in it/pom.xml from
 * what the build resolved: {@code floe.it.s3mockJar}, {@code floe.it.s3proxyJar}, {@code
 * floe.it.restCatalogClasspath}, {@code floe.it.trinoArchive}, {@code floe.it.trinoCache}. Their
 * logs go to {@code floe.it.logDir} and are kept; their data goes under {@code floe.it.workDir}
 * and is kept when a test failed.
 */
public final class ExternalServers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExternalServers.class);
    /** The bucket every store has, for tables' files. */
    public static final String WAREHOUSE_BUCKET = "warehouse";

    private final Path directory;
    private final Path logDirectory;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final AtomicBoolean failed = new AtomicBoolean();
    private S3Store s3Mock;
    private S3Store s3Proxy;
    private PostgresServer postgres;
    private RestCatalogServer restCatalog;
    private TrinoServer trino;
    private String trinoUnavailable;

    ExternalServers(Path workDirectory, Path logDirectory) {
        this.logDirectory = logDirectory.toAbsolutePath();
        try {
            Files.createDirectories(workDirectory);
            Files.createDirectories(logDirectory);
            this.directory = Files.createTempDirectory(workDirectory.toAbsolutePath(), "external-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the external servers' directory under " + workDirectory, e);
        }
    }

    static ExternalServers fromSystemProperties() {
        return new ExternalServers(
                Path.of(System.getProperty("floe.it.workDir", "target/it-work")),
                Path.of(System.getProperty("floe.it.logDir", "target/it-logs")));
    }

    private static Path required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("Cannot find the system property " + property
                    + ": run the integration tests through Maven (./mvnw verify), which sets it");
        }
        return Path.of(value);
    }

    public synchronized S3Store s3Mock() {
        if (s3Mock == null) {
            s3Mock = register(ServerLaunches.s3Mock(
                    required("floe.it.s3mockJar"), newDirectory("s3mock"), logDirectory.resolve("s3mock.log")));
            s3Mock.createBucket(WAREHOUSE_BUCKET);
        }
        return s3Mock;
    }

    public synchronized S3Store s3Proxy() {
        if (s3Proxy == null) {
            s3Proxy = register(ServerLaunches.s3Proxy(
                    required("floe.it.s3proxyJar"), newDirectory("s3proxy"), logDirectory.resolve("s3proxy.log")));
            s3Proxy.createBucket(WAREHOUSE_BUCKET);
        }
        return s3Proxy;
    }

    public S3Store store(S3Store.Kind kind) {
        return kind == S3Store.Kind.S3MOCK ? s3Mock() : s3Proxy();
    }

    public synchronized PostgresServer postgres() {
        if (postgres == null) {
            Path binaries = PostgresServer.installedBinaries()
                    .orElseThrow(() -> new IllegalStateException("Cannot start PostgreSQL for the JDBC catalog"
                            + " tests: no server under /usr/lib/postgresql/*/bin; install it with"
                            + " apt-get install postgresql"));
            postgres = register(PostgresServer.start(binaries, logDirectory.resolve("postgresql.log")));
        }
        return postgres;
    }

    /** The REST catalog, its warehouse in S3Proxy. */
    public synchronized RestCatalogServer restCatalog() {
        if (restCatalog == null) {
            S3Store store = s3Proxy();
            restCatalog = register(ServerLaunches.restCatalog(
                    required("floe.it.restCatalogClasspath"),
                    store,
                    "s3://" + WAREHOUSE_BUCKET + "/rest",
                    newDirectory("rest-catalog"),
                    logDirectory.resolve("rest-catalog.log")));
        }
        return restCatalog;
    }

    /**
     * The shared Trino. Where no JDK 24 or newer is installed, the calling test is skipped, and
     * says so loudly: on CI it must run.
     */
    public synchronized TrinoServer trino() {
        if (trino != null) {
            return trino;
        }
        if (trinoUnavailable == null) {
            Path userHome = Path.of(System.getProperty("user.home"));
            Optional<JavaHome> java = JavaHome.find(TrinoDistribution.JAVA_FEATURE, System.getenv(), userHome);
            if (java.isEmpty()) {
                trinoUnavailable = "No JDK " + TrinoDistribution.JAVA_FEATURE + " or newer for Trino "
                        + TrinoDistribution.VERSION + ": set " + JavaHome.TRINO_JAVA_HOME + " or install one"
                        + " (looked in this JVM, /usr/lib/jvm, /usr/java, /opt/java, macOS's and SDKMAN's"
                        + " JDKs). THE TRINO TESTS ARE SKIPPED.";
                LOG.error(trinoUnavailable);
                System.err.println("WARNING: " + trinoUnavailable);
            } else {
                Path cache = Path.of(System.getProperty(
                        "floe.it.trinoCache",
                        TrinoDistribution.defaultCache(System.getenv(), userHome)
                                .toString()));
                TrinoDistribution distribution = TrinoDistribution.unpacked(required("floe.it.trinoArchive"), cache);
                trino = register(TrinoServer.start(
                        distribution, java.get(), newDirectory("trino"), logDirectory.resolve("trino.log")));
                return trino;
            }
        }
        Assumptions.abort(trinoUnavailable);
        throw new IllegalStateException(trinoUnavailable);
    }

    private <T extends AutoCloseable> T register(T server) {
        started.add(server);
        return server;
    }

    /** A new empty directory, kept or deleted with the servers' data. */
    public Path newDirectory(String name) {
        try {
            return Files.createTempDirectory(directory, name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a directory for " + name + " in " + directory, e);
        }
    }

    void markFailed() {
        failed.set(true);
    }

    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warn("Cannot stop {}: {}", started.get(i), e.toString());
            }
        }
        started.clear();
        if (failed.get()) {
            LOG.warn("A test failed: keeping the external servers' data in {}", directory);
        } else {
            try (Stream<Path> paths = Files.walk(directory)) {
                paths.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                LOG.warn("Cannot delete {}: {}", directory, e.toString());
            }
        }
    }
}
