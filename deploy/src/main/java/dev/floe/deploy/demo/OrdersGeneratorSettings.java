package dev.floe.deploy.demo;

import java.time.Instant;
import java.util.Objects;

/**
 * What {@link OrdersGenerator} produces and where.
 *
 * @param bootstrapServers the Kafka cluster
 * @param registryUrl the schema registry the order schema is registered with
 * @param topic the topic; created with {@code partitions} partitions if missing, and the schema is
 *     registered under {@code <topic>-value}
 * @param partitions the partition count of a topic the generator creates
 * @param malformedFraction the share of records, from 0 to 1, that are malformed on purpose
 * @param seed decides every record; the same seed and settings give the same records
 * @param firstOrderId the id of the first order; ids increase by one
 * @param startTime the event time of the first order
 * @param compression the producer's {@code compression.type}: none, gzip, snappy, lz4 or zstd
 */
public record OrdersGeneratorSettings(
        String bootstrapServers,
        String registryUrl,
        String topic,
        int partitions,
        double malformedFraction,
        long seed,
        long firstOrderId,
        Instant startTime,
        String compression) {
    public static final double DEFAULT_MALFORMED_FRACTION = 0.001;
    public static final Instant DEFAULT_START_TIME = Instant.parse("2026-01-01T00:00:00Z");

    public OrdersGeneratorSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(registryUrl, "registryUrl");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(compression, "compression");
        if (partitions < 1) {
            throw new IllegalArgumentException("Cannot create topic " + topic + " with " + partitions + " partitions");
        }
        if (!(malformedFraction >= 0 && malformedFraction <= 1)) {
            throw new IllegalArgumentException("the malformed fraction must be within [0, 1]: " + malformedFraction);
        }
    }

    /** Four partitions, 0.1% malformed records, seed 42, order ids from 1, no compression. */
    public static OrdersGeneratorSettings of(String bootstrapServers, String registryUrl, String topic) {
        return new OrdersGeneratorSettings(
                bootstrapServers,
                registryUrl,
                topic,
                4,
                DEFAULT_MALFORMED_FRACTION,
                42L,
                1L,
                DEFAULT_START_TIME,
                "none");
    }

    public OrdersGeneratorSettings withPartitions(int newPartitions) {
        return new OrdersGeneratorSettings(
                bootstrapServers,
                registryUrl,
                topic,
                newPartitions,
                malformedFraction,
                seed,
                firstOrderId,
                startTime,
                compression);
    }

    public OrdersGeneratorSettings withMalformedFraction(double newFraction) {
        return new OrdersGeneratorSettings(
                bootstrapServers,
                registryUrl,
                topic,
                partitions,
                newFraction,
                seed,
                firstOrderId,
                startTime,
                compression);
    }

    public OrdersGeneratorSettings withFirstOrderId(long newFirstOrderId) {
        return new OrdersGeneratorSettings(
                bootstrapServers,
                registryUrl,
                topic,
                partitions,
                malformedFraction,
                seed,
                newFirstOrderId,
                startTime,
                compression);
    }

    public OrdersGeneratorSettings withSeed(long newSeed) {
        return new OrdersGeneratorSettings(
                bootstrapServers,
                registryUrl,
                topic,
                partitions,
                malformedFraction,
                newSeed,
                firstOrderId,
                startTime,
                compression);
    }

    public OrdersGeneratorSettings withCompression(String newCompression) {
        return new OrdersGeneratorSettings(
                bootstrapServers,
                registryUrl,
                topic,
                partitions,
                malformedFraction,
                seed,
                firstOrderId,
                startTime,
                newCompression);
    }
}
