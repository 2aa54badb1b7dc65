package dev.floe.it.servers;

import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers every integration test shares: one Kafka broker and one schema registry per test
 * JVM, each started the first time a test asks for it, stopped when the JVM's tests are done.
 *
 * <p>Their data lives under a fresh directory in {@code floe.it.workDir} (Failsafe sets it to
 * {@code it/target/it-work}); it is deleted when every test passed and kept for inspection when
 * one failed. Logs go to {@code it/target/it-logs} (see logback-test.xml) and are always kept.
 */
public final class EmbeddedServers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServers.class);

    private final Path directory;
    private final AtomicBoolean failed = new AtomicBoolean();
    private final AtomicInteger directories = new AtomicInteger();
    private EmbeddedKafkaBroker broker;
    private EmbeddedSchemaRegistry registry;

    EmbeddedServers(Path workDirectory) {
        try {
            Files.createDirectories(workDirectory);
            this.directory = Files.createTempDirectory(workDirectory.toAbsolutePath(), "servers-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the test servers' directory under " + workDirectory, e);
        }
    }

    static Path defaultWorkDirectory() {
        return Path.of(System.getProperty("floe.it.workDir", "target/it-work"));
    }

    /** The shared broker, started on first use. */
    public synchronized EmbeddedKafkaBroker broker() {
        if (broker == null) {
            broker = EmbeddedKafkaBroker.start(directory.resolve("kafka"));
        }
        return broker;
    }

    /** The shared schema registry on the shared broker, started on first use. */
    public synchronized EmbeddedSchemaRegistry registry() {
        if (registry == null) {
            registry = EmbeddedSchemaRegistry.start(broker().bootstrapServers());
        }
        return registry;
    }

    /** A new empty directory for a test's own server, kept or deleted with the shared ones. */
    public Path newDirectory(String name) {
        Path created = directory.resolve(name + "-" + directories.incrementAndGet());
        try {
            return Files.createDirectories(created);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the test directory " + created, e);
        }
    }

    void markFailed() {
        failed.set(true);
    }

    @Override
    public synchronized void close() {
        try {
            if (registry != null) {
                registry.close();
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
        if (failed.get()) {
            LOG.warn("A test failed: keeping the servers' data in {}", directory);
        } else {
            delete(directory);
        }
    }

    private static void delete(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("Cannot delete the test servers' directory {}: {}", root, e.toString());
        }
    }
}
