package dev.floe.engine;

import dev.floe.engine.api.PipelineDefinition;
import dev.floe.engine.checkpoint.Listeners;
import dev.floe.engine.checkpoint.Savepoint;
import dev.floe.engine.checkpoint.SavepointDescriptor;
import dev.floe.engine.config.CheckpointConfig;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.mapping.MappingCompiler;
import dev.floe.engine.metrics.FloeMetrics;
import dev.floe.engine.metrics.PipelineMetrics;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.pipeline.PipelineSupervisor;
import dev.floe.engine.pipeline.RunMode;
import dev.floe.engine.pipeline.SavepointStart;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.service.BackgroundService;
import dev.floe.engine.spi.service.ServiceDefinition;
import dev.floe.engine.spi.service.TableCompactions;
import dev.floe.registry.CachingSchemaRegistry;
import dev.floe.registry.HttpSchemaRegistryClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every pipeline of a config in this process: the composition root. Pipelines are isolated;
 * one failing does not stop the others.
 */
public final class FloeRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FloeRuntime.class);

    private final CachingSchemaRegistry registry;
    private final FloeMetrics metrics;
    private final List<PipelineSupervisor> supervisors = new ArrayList<>();
    private final List<ServiceDefinition> serviceDefinitions;
    private final Clock clock;
    private final CheckpointConfig checkpoints;
    private final List<BackgroundService> services = new ArrayList<>();
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "floe-restarts");
        thread.setDaemon(true);
        return thread;
    });

    private FloeRuntime(
            FloeConfig config,
            List<PipelineDefinition> definitions,
            Clock clock,
            Listeners listeners,
            RunMode mode,
            Map<String, SavepointStart> savepoints) {
        this.registry = new CachingSchemaRegistry(new HttpSchemaRegistryClient(config.registry()));
        this.metrics = new FloeMetrics(clock);
        this.serviceDefinitions = config.services();
        this.clock = clock;
        this.checkpoints = config.checkpoints();
        for (PipelineDefinition definition : definitions) {
            PipelineMetrics pipelineMetrics = metrics.pipeline(definition.id());
            SavepointStart savepoint = savepoints.get(definition.id());
            supervisors.add(new PipelineSupervisor(
                    definition.id(),
                    () -> new Pipeline(
                            definition, config, registry, clock, listeners, mode, pipelineMetrics, savepoint),
                    definition.restartStrategy(),
                    restarts,
                    clock));
        }
        metrics.bind(supervisors);
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
        return start(config, clock, mode, List.of());
    }

    /**
     * Starts every pipeline of {@code config} in {@code mode}, those with one of {@code savepoints}
     * from it, once their mappings are checked against the records' schemas and the savepoints
     * against their pipelines.
     *
     * @throws dev.floe.engine.spi.config.ConfigException when a mapping does not fit its records;
     *     nothing started
     * @throws FatalException when a savepoint does not fit a pipeline of the config; nothing started
     */
    public static FloeRuntime start(FloeConfig config, Clock clock, RunMode mode, List<Savepoint> savepoints) {
        List<PipelineDefinition> definitions;
        try (CachingSchemaRegistry registry =
                new CachingSchemaRegistry(new HttpSchemaRegistryClient(config.registry()))) {
            definitions = new MappingCompiler(registry).compile(config);
        }
        return start(config, definitions, clock, mode, savepoints);
    }

    /**
     * Starts pipelines defined in code (with their own operators), using {@code config} for the
     * connections (Kafka, registry, checkpoints); its own pipelines are not started.
     */
    public static FloeRuntime start(
            FloeConfig config, List<PipelineDefinition> definitions, Clock clock, RunMode mode) {
        return start(config, definitions, clock, mode, List.of());
    }

    /**
     * Starts pipelines defined in code, those with one of {@code savepoints} from it.
     *
     * @throws FatalException when a savepoint does not fit a pipeline; nothing started
     */
    public static FloeRuntime start(
            FloeConfig config,
            List<PipelineDefinition> definitions,
            Clock clock,
            RunMode mode,
            List<Savepoint> savepoints) {
        Map<String, SavepointStart> starts = savepointStarts(definitions, savepoints);
        FloeRuntime runtime = new FloeRuntime(config, definitions, clock, Listeners.installed(), mode, starts);
        runtime.supervisors.forEach(PipelineSupervisor::start);
        runtime.startServices();
        return runtime;
    }

    /** Each savepoint by its pipeline, checked against it: same pipeline id, keyed stage and key groups. */
    private static Map<String, SavepointStart> savepointStarts(
            List<PipelineDefinition> definitions, List<Savepoint> savepoints) {
        Map<String, SavepointStart> starts = new HashMap<>();
        for (Savepoint savepoint : savepoints) {
            SavepointDescriptor taken = savepoint.descriptor();
            PipelineDefinition definition = definitions.stream()
                    .filter(d -> d.id().equals(taken.pipelineId()))
                    .findFirst()
                    .orElseThrow(() -> new FatalException(
                            EngineErrorCode.SAVEPOINT_MISMATCH,
                            "Cannot restore from savepoint " + savepoint.describe() + ": it is of pipeline '"
                                    + taken.pipelineId() + "', and the config has pipelines "
                                    + definitions.stream()
                                            .map(PipelineDefinition::id)
                                            .toList()));
            if (!taken.keyedStage().equals(definition.keyedStage())) {
                throw new FatalException(
                        EngineErrorCode.SAVEPOINT_MISMATCH,
                        "Cannot restore pipeline " + definition.id() + " from savepoint " + savepoint.describe()
                                + ": its keyed stage was '" + taken.keyedStage() + "' and is now '"
                                + definition.keyedStage()
                                + "'; state kept by one keyed stage means nothing to another");
            }
            if (!savepoint.checkpoint().keyedState().isEmpty()
                    && taken.maxParallelism() != definition.maxParallelism()) {
                throw new FatalException(
                        EngineErrorCode.SAVEPOINT_MISMATCH,
                        "Cannot restore pipeline " + definition.id() + " from savepoint " + savepoint.describe()
                                + ": its state is divided into " + taken.maxParallelism() + " key groups, and the"
                                + " pipeline now has " + definition.maxParallelism()
                                + "; the max parallelism of a pipeline with state cannot change");
            }
            SavepointStart previous = starts.put(definition.id(), new SavepointStart(savepoint));
            if (previous != null) {
                throw new FatalException(
                        EngineErrorCode.SAVEPOINT_MISMATCH,
                        "Cannot restore pipeline " + definition.id() + " from two savepoints: "
                                + previous.savepoint().describe() + " and " + savepoint.describe());
            }
        }
        return starts;
    }

    /** Starts the background services the config asks for; one that cannot start is logged and skipped. */
    private void startServices() {
        for (ServiceDefinition definition : serviceDefinitions) {
            if (!definition.runsInBackground()) {
                continue;
            }
            try {
                services.add(definition.start(clock));
                LOG.info("Started background service: {}", definition.describe());
            } catch (RuntimeException e) {
                LOG.error("Cannot start background service {}: {}", definition.describe(), e.toString(), e);
            }
        }
    }

    /** The pipelines running now (after a restart, the new instance). */
    public List<Pipeline> pipelines() {
        return supervisors.stream().map(PipelineSupervisor::current).toList();
    }

    public List<PipelineSupervisor> supervisors() {
        return List.copyOf(supervisors);
    }

    /** The supervisor of pipeline {@code id}, if this process runs it. */
    public java.util.Optional<PipelineSupervisor> supervisor(String id) {
        return supervisors.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** The compactor running in this process, for runs on request; empty when none runs. */
    public java.util.Optional<TableCompactions> tableCompactions() {
        return services.stream()
                .map(BackgroundService::tableCompactions)
                .flatMap(java.util.Optional::stream)
                .findFirst();
    }

    /** How the pipelines checkpoint, and where savepoints go by default. */
    public CheckpointConfig checkpoints() {
        return checkpoints;
    }

    /** The process's metrics. */
    public FloeMetrics metrics() {
        return metrics;
    }

    /** Completes when every pipeline has stopped, or failed for good. */
    public CompletableFuture<Void> terminated() {
        return CompletableFuture.allOf(
                supervisors.stream().map(PipelineSupervisor::terminated).toArray(CompletableFuture[]::new));
    }

    /** Stops every running pipeline after a final checkpoint; true when all committed it. */
    public boolean stop(Duration timeout) {
        boolean committed = true;
        for (PipelineSupervisor supervisor : supervisors) {
            committed &= supervisor.stop(timeout);
        }
        return committed;
    }

    @Override
    public void close() {
        for (BackgroundService service : services) {
            service.close();
        }
        for (PipelineSupervisor supervisor : supervisors) {
            supervisor.close();
        }
        restarts.shutdownNow();
        registry.close();
        metrics.close();
    }
}
