package dev.floe.engine;

import dev.floe.engine.api.PipelineDefinition;
import dev.floe.engine.checkpoint.Listeners;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.mapping.MappingCompiler;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.pipeline.RunMode;
import dev.floe.registry.CachingSchemaRegistry;
import dev.floe.registry.HttpSchemaRegistryClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every pipeline of a config in this process: the composition root. Pipelines are isolated;
 * one failing does not stop the others.
 */
public final class FloeRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FloeRuntime.class);

    private final CachingSchemaRegistry registry;
    private final List<Pipeline> pipelines = new ArrayList<>();

    private FloeRuntime(
            FloeConfig config, List<PipelineDefinition> definitions, Clock clock, Listeners listeners, RunMode mode) {
        this.registry = new CachingSchemaRegistry(new HttpSchemaRegistryClient(config.registry()));
        for (PipelineDefinition definition : definitions) {
            pipelines.add(new Pipeline(definition, config, registry, clock, listeners, mode));
        }
    }

    /** Starts every pipeline of {@code config}; a pipeline that cannot start fails alone. */
    public static FloeRuntime start(FloeConfig config, Clock clock) {
        return start(config, clock, RunMode.CONTINUOUS);
    }

    /**
     * Starts every pipeline of {@code config} in {@code mode}, once their mappings are checked
     * against the records' schemas.
     *
     * @throws dev.floe.engine.spi.config.ConfigException when a mapping does not fit its records;
     *     nothing started
     */
    public static FloeRuntime start(FloeConfig config, Clock clock, RunMode mode) {
        List<PipelineDefinition> definitions;
        try (CachingSchemaRegistry registry =
                new CachingSchemaRegistry(new HttpSchemaRegistryClient(config.registry()))) {
            definitions = new MappingCompiler(registry).compile(config);
        }
        return start(config, definitions, clock, mode);
    }

    /**
     * Starts pipelines defined in code (with their own operators), using {@code config} for the
     * connections (Kafka, registry, checkpoints); its own pipelines are not started.
     */
    public static FloeRuntime start(
            FloeConfig config, List<PipelineDefinition> definitions, Clock clock, RunMode mode) {
        FloeRuntime runtime = new FloeRuntime(config, definitions, clock, Listeners.installed(), mode);
        for (Pipeline pipeline : runtime.pipelines) {
            try {
                pipeline.start();
            } catch (RuntimeException e) {
                LOG.error("Pipeline {} could not start: {}", pipeline.id(), e.getMessage());
            }
        }
        return runtime;
    }

    public List<Pipeline> pipelines() {
        return List.copyOf(pipelines);
    }

    /** Completes when every pipeline has stopped or failed. */
    public CompletableFuture<Void> terminated() {
        return CompletableFuture.allOf(
                pipelines.stream().map(Pipeline::terminated).toArray(CompletableFuture[]::new));
    }

    /** Stops every running pipeline after a final checkpoint; true when all committed it. */
    public boolean stop(Duration timeout) {
        boolean committed = true;
        for (Pipeline pipeline : pipelines) {
            if (pipeline.state() == Pipeline.State.RUNNING) {
                committed &= pipeline.stop(timeout);
            }
        }
        return committed;
    }

    @Override
    public void close() {
        for (Pipeline pipeline : pipelines) {
            pipeline.close();
        }
        registry.close();
    }
}
