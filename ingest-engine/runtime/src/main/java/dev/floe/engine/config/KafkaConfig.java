package dev.floe.engine.config;

import java.util.Map;
import java.util.Objects;

/**
 * How to reach Kafka.
 *
 * @param bootstrapServers the bootstrap servers
 * @param properties client properties for consumers and producers
 * @param consumer consumer properties, applied over {@code properties}
 * @param producer producer properties, applied over {@code properties}
 */
public record KafkaConfig(
        String bootstrapServers,
        Map<String, String> properties,
        Map<String, String> consumer,
        Map<String, String> producer) {
    public KafkaConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        properties = Map.copyOf(properties);
        consumer = Map.copyOf(consumer);
        producer = Map.copyOf(producer);
    }
}
