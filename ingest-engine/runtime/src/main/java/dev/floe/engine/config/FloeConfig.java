package dev.floe.engine.config;

import dev.floe.engine.spi.service.ServiceDefinition;
import dev.floe.registry.RegistryClientConfig;
import java.util.List;
import java.util.Objects;

/**
 * A whole config file, validated.
 *
 * @param source where the config came from, for messages
 * @param kafka the Kafka cluster
 * @param registry the schema registry
 * @param checkpoints checkpointing
 * @param pipelines the pipelines to run
 * @param http the HTTP API, metrics and dashboard
 * @param services the installed services as the file configures them
 */
public record FloeConfig(
        String source,
        KafkaConfig kafka,
        RegistryClientConfig registry,
        CheckpointConfig checkpoints,
        List<PipelineConfig> pipelines,
        HttpConfig http,
        List<ServiceDefinition> services) {
    public FloeConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(checkpoints, "checkpoints");
        pipelines = List.copyOf(pipelines);
        Objects.requireNonNull(http, "http");
        services = List.copyOf(services);
    }
}
