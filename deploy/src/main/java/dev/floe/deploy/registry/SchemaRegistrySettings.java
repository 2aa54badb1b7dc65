package dev.floe.deploy.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * How to run Floe's built-in schema registry.
 *
 * @param bootstrapServers the Kafka cluster that holds the store topic
 * @param topic the compacted topic that stores schemas and settings; registries sharing it agree
 * @param host the interface the HTTP server binds
 * @param port the HTTP port; 0 picks a free one
 * @param defaultCompatibility the global compatibility level until one is set
 * @param storeTimeout how long a request may wait for Kafka before it fails with a store error
 */
public record SchemaRegistrySettings(
        String bootstrapServers,
        String topic,
        String host,
        int port,
        CompatibilityLevel defaultCompatibility,
        Duration storeTimeout) {
    public static final String DEFAULT_TOPIC = "_floe_schemas";

    public SchemaRegistrySettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(defaultCompatibility, "defaultCompatibility");
        Objects.requireNonNull(storeTimeout, "storeTimeout");
        if (bootstrapServers.isBlank() || topic.isBlank()) {
            throw new IllegalArgumentException("the schema registry needs bootstrap servers and a topic");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Cannot bind the schema registry to port " + port + ": out of range");
        }
        if (storeTimeout.isNegative() || storeTimeout.isZero()) {
            throw new IllegalArgumentException("the schema store timeout must be positive: " + storeTimeout);
        }
    }

    /** Loopback, a free port, topic {@value #DEFAULT_TOPIC}, BACKWARD, 30 s store timeout. */
    public static SchemaRegistrySettings of(String bootstrapServers) {
        return new SchemaRegistrySettings(
                bootstrapServers, DEFAULT_TOPIC, "127.0.0.1", 0, CompatibilityLevel.BACKWARD, Duration.ofSeconds(30));
    }

    public SchemaRegistrySettings withTopic(String newTopic) {
        return new SchemaRegistrySettings(bootstrapServers, newTopic, host, port, defaultCompatibility, storeTimeout);
    }

    public SchemaRegistrySettings withPort(int newPort) {
        return new SchemaRegistrySettings(bootstrapServers, topic, host, newPort, defaultCompatibility, storeTimeout);
    }
}
