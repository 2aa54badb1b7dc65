package dev.floe.deploy.demo;

import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the demo starts around Floe, inside this process and on free loopback ports: a Kafka broker
 * in KRaft mode, Floe's schema registry, and the locations of an Iceberg JDBC catalog on SQLite and
 * its warehouse. Closed in reverse order of starting.
 */
final class DemoEnvironment implements AutoCloseable {
    private final Path directory;
    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    private DemoEnvironment(Path directory, EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.directory = directory;
        this.broker = broker;
        this.registry = registry;
    }

    /** Starts everything under {@code directory}, which is emptied first. */
    static DemoEnvironment start(Path directory) {
        clear(directory);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(directory.resolve("kafka"));
        try {
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers());
            return new DemoEnvironment(directory, broker, registry);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    private static void clear(Path directory) {
        try {
            if (Files.exists(directory)) {
                try (Stream<Path> paths = Files.walk(directory)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the demo directory " + directory + ": " + e, e);
        }
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    String registryUrl() {
        return registry.url();
    }

    String catalogUri() {
        return "jdbc:sqlite:" + directory.resolve("catalog.db").toAbsolutePath();
    }

    String warehouse() {
        return directory.resolve("warehouse").toAbsolutePath().toUri().toString();
    }

    Path checkpoints() {
        return directory.resolve("checkpoints").toAbsolutePath();
    }

    Path directory() {
        return directory;
    }

    /** The values of the demo config's {@code ${...}} variables. */
    Map<String, String> variables() {
        return Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registryUrl(),
                "CATALOG_URI", catalogUri(),
                "WAREHOUSE", warehouse(),
                "CHECKPOINTS", checkpoints().toString());
    }

    @Override
    public void close() {
        registry.close();
        broker.close();
    }
}
