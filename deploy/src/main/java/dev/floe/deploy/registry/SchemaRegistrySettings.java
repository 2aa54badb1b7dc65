package dev.floe.deploy.registry;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How to run Floe's built-in schema registry.
 *
 * @param bootstrapServers the Kafka cluster that holds the store topic
 * @param topic the compacted topic that stores schemas and settings; registries sharing it agree
 * @param host the interface the HTTP server binds
 * @param port the HTTP port; 0 picks a free one
 * @param defaultCompatibility the global compatibility level until one is set
 * @param storeTimeout how long a request may wait for Kafka before it fails with a store error
 * @param users the users of HTTP basic authentication, user name to password; with none, requests
 *     need no credentials. Never shown by {@link #toString()}.
 */
public record SchemaRegistrySettings(
        String bootstrapServers,
        String topic,
        String host,
        int port,
        CompatibilityLevel defaultCompatibility,
        Duration storeTimeout,
        Map<String, String> users) {
    public static final String DEFAULT_TOPIC = "_floe_schemas";

    public SchemaRegistrySettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(defaultCompatibility, "defaultCompatibility");
        Objects.requireNonNull(storeTimeout, "storeTimeout");
        users = Map.copyOf(Objects.requireNonNull(users, "users"));
        if (bootstrapServers.isBlank() || topic.isBlank()) {
            throw new IllegalArgumentException("the schema registry needs bootstrap servers and a topic");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Cannot bind the schema registry to port " + port + ": out of range");
        }
        if (storeTimeout.isNegative() || storeTimeout.isZero()) {
            throw new IllegalArgumentException("the schema store timeout must be positive: " + storeTimeout);
        }
        for (Map.Entry<String, String> user : users.entrySet()) {
            if (user.getKey().isEmpty()
                    || user.getKey().contains(":")
                    || user.getValue().isEmpty()) {
                throw new IllegalArgumentException("Cannot configure schema registry user '" + user.getKey()
                        + "': a user name is not empty and has no ':', and a password is not empty");
            }
        }
    }

    /** Loopback, a free port, topic {@value #DEFAULT_TOPIC}, BACKWARD, 30 s store timeout, no authentication. */
    public static SchemaRegistrySettings of(String bootstrapServers) {
        return new SchemaRegistrySettings(
                bootstrapServers,
                DEFAULT_TOPIC,
                "127.0.0.1",
                0,
                CompatibilityLevel.BACKWARD,
                Duration.ofSeconds(30),
                Map.of());
    }

    public SchemaRegistrySettings withTopic(String newTopic) {
        return new SchemaRegistrySettings(
                bootstrapServers, newTopic, host, port, defaultCompatibility, storeTimeout, users);
    }

    public SchemaRegistrySettings withPort(int newPort) {
        return new SchemaRegistrySettings(
                bootstrapServers, topic, host, newPort, defaultCompatibility, storeTimeout, users);
    }

    /** Requires HTTP basic authentication as one of {@code newUsers} (user name to password). */
    public SchemaRegistrySettings withUsers(Map<String, String> newUsers) {
        return new SchemaRegistrySettings(
                bootstrapServers, topic, host, port, defaultCompatibility, storeTimeout, newUsers);
    }

    @Override
    public String toString() {
        return "SchemaRegistrySettings[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", host=" + host
                + ", port=" + port + ", defaultCompatibility=" + defaultCompatibility + ", storeTimeout="
                + storeTimeout + ", users=" + new TreeMap<>(users).keySet() + " (passwords hidden)]";
    }
}
