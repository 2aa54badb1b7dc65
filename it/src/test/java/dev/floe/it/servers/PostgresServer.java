package dev.floe.it.servers;

import dev.floe.deploy.process.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server of its own for the tests: the machine's installed PostgreSQL (Debian's
 * packages put it in /usr/lib/postgresql/VERSION/bin), a fresh cluster in a temporary directory, on
 * a free loopback port, with trust authentication for the user {@value #USER}.
 *
 * <p>PostgreSQL refuses to run as root. When the tests do, the cluster belongs to the {@code
 * postgres} account the package created, and its programs run as that account through {@code
 * setpriv}.
 */
public final class PostgresServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    public static final String USER = "floe";
    private static final String HOST = "127.0.0.1";
    private static final String SYSTEM_ACCOUNT = "postgres";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(1);

    private final Path binaries;
    private final Path data;
    private final boolean asSystemAccount;
    private final ServerProcess process;
    private final int port;

    private PostgresServer(Path binaries, Path data, boolean asSystemAccount, ServerProcess process, int port) {
        this.binaries = binaries;
        this.data = data;
        this.asSystemAccount = asSystemAccount;
        this.process = process;
        this.port = port;
    }

    /** The newest installed PostgreSQL's programs, if any. */
    static Optional<Path> installedBinaries() {
        List<Path> found = new ArrayList<>();
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (DirectoryStream<Path> versions = Files.newDirectoryStream(root)) {
                for (Path version : versions) {
                    if (Files.isExecutable(version.resolve("bin/postgres"))
                            && version.getFileName().toString().matches("\\d+")) {
                        found.add(version.resolve("bin"));
                    }
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return found.stream()
                .max(Comparator.comparingInt(
                        bin -> Integer.parseInt(bin.getParent().getFileName().toString())));
    }

    /** Creates a cluster under a new temporary directory and starts it; output goes to {@code logFile}. */
    static PostgresServer start(Path binaries, Path logFile) {
        boolean asSystemAccount = "root".equals(System.getProperty("user.name"));
        Path data;
        try {
            // under the system's temporary directory: the postgres account may not enter the build's
            Path parent = Files.createTempDirectory("floe-it-postgres-");
            data = parent.resolve("data");
            if (asSystemAccount) {
                UserPrincipal owner =
                        parent.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SYSTEM_ACCOUNT);
                Files.setOwner(parent, owner);
                Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a directory for PostgreSQL: " + e, e);
        }
        run(
                asSystemAccount,
                logFile,
                binaries.resolve("initdb").toString(),
                "--pgdata=" + data,
                "--username=" + USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync",
                "--no-instructions");
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = ServerLaunches.freePort();
            List<String> command = command(
                    asSystemAccount,
                    binaries.resolve("postgres").toString(),
                    "-D",
                    data.toString(),
                    "-p",
                    Integer.toString(port),
                    "-c",
                    "listen_addresses=" + HOST,
                    "-c",
                    "unix_socket_directories=",
                    // a test database: durability is not what is tested here
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off");
            try {
                ServerProcess process = ServerProcess.start(new ServerProcess.Launch(
                        "PostgreSQL",
                        command,
                        Map.of(),
                        data.getParent(),
                        logFile,
                        line -> line.contains("database system is ready to accept connections"),
                        START_TIMEOUT));
                return new PostgresServer(binaries, data, asSystemAccount, process, port);
            } catch (IllegalStateException e) {
                failure = e;
                LOG.warn("PostgreSQL did not start on port {}: {}", port, e.getMessage());
            }
        }
        throw failure;
    }

    private static List<String> command(boolean asSystemAccount, String... command) {
        List<String> full = new ArrayList<>();
        if (asSystemAccount) {
            full.addAll(List.of(
                    "setpriv", "--reuid=" + SYSTEM_ACCOUNT, "--regid=" + SYSTEM_ACCOUNT, "--init-groups", "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    private static void run(boolean asSystemAccount, Path logFile, String... command) {
        List<String> full = command(asSystemAccount, command);
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            Process process = new ProcessBuilder(full)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("Cannot run " + full + ": no exit within 2 minutes");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        "Cannot run " + full + ": exit code " + process.exitValue() + "; see " + logFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + full + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Cannot run " + full + ": interrupted", e);
        }
    }

    public int port() {
        return port;
    }

    public ServerProcess process() {
        return process;
    }

    /** The JDBC URL of {@code database}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    /** Creates {@code database} for a test; returns its JDBC URL. */
    public String createDatabase(String database) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + database + ": " + e.getMessage(), e);
        }
        return jdbcUrl(database);
    }

    @Override
    public void close() {
        // a fast shutdown: a smart one (SIGTERM) would wait for every pooled client connection to close
        try {
            run(
                    asSystemAccount,
                    process.logFile(),
                    binaries.resolve("pg_ctl").toString(),
                    "stop",
                    "--pgdata=" + data,
                    "--mode=fast",
                    "--wait");
        } catch (RuntimeException e) {
            LOG.warn("Cannot stop PostgreSQL in {} with pg_ctl: {}", data, e.getMessage());
        }
        process.close();
        delete(data.getParent());
    }

    private static void delete(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("Cannot delete PostgreSQL's directory {}: {}", root, e.toString());
        }
    }
}
