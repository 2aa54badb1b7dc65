package dev.floe.engine.cli;

import dev.floe.engine.FloeRuntime;
import dev.floe.engine.checkpoint.Savepoint;
import dev.floe.engine.checkpoint.SavepointLocation;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.config.PipelineConfig;
import dev.floe.engine.http.FloeHttpServer;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.pipeline.RunMode;
import dev.floe.engine.spi.config.ConfigException;
import dev.floe.engine.spi.error.FatalException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code floe run}: runs the pipelines of a config file until stopped. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs every pipeline of a config file until stopped (Ctrl-C or SIGTERM).",
            "On stop, each pipeline takes a final checkpoint and commits it."
        })
public final class RunCommand implements Callable<Integer> {
    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "FILE",
            description = "The config file (YAML); see docs/configuration.md")
    Path config;

    @Option(
            names = "--stop-timeout",
            defaultValue = "60s",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long a stop may take to commit the final checkpoint (default: ${DEFAULT-VALUE})")
    Duration stopTimeout;

    @Option(
            names = "--until-end",
            description = {
                "Read each partition up to where it ended when the run started, commit, and exit 0:",
                "a backfill. Without it, Floe reads until stopped."
            })
    boolean untilEnd;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--from-savepoint",
            paramLabel = "PATH",
            description = {
                "Restore the pipeline the savepoint at PATH was taken of (its state and offsets) instead of",
                "its latest checkpoint; repeat for several pipelines. Refused when the table already holds",
                "more than the savepoint and the pipeline has keyed state (see docs/state.md)."
            })
    List<String> fromSavepoints = new ArrayList<>();

    @Option(
            names = {"-p", "--parallelism"},
            paramLabel = "N",
            description = "Run every pipeline with N subtasks instead of the config's parallelism; keyed state is"
                    + " redistributed by key group")
    Integer parallelism;

    @Override
    public Integer call() {
        FloeRuntime runtime;
        FloeConfig loaded;
        try {
            loaded = withParallelism(Configs.load(config));
            List<Savepoint> savepoints = new ArrayList<>();
            for (String path : fromSavepoints) {
                SavepointLocation location;
                try {
                    location =
                            SavepointLocation.parse(path, loaded.checkpoints().storage());
                } catch (IllegalArgumentException e) {
                    System.err.println("floe: Cannot restore from savepoint " + path + ": " + e.getMessage());
                    return FloeCli.EXIT_USAGE;
                }
                savepoints.add(Savepoint.read(location));
            }
            runtime = FloeRuntime.start(
                    loaded, Clock.systemUTC(), untilEnd ? RunMode.UNTIL_END : RunMode.CONTINUOUS, savepoints);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return FloeCli.EXIT_USAGE;
        } catch (FatalException e) {
            System.err.println("floe: " + e.getMessage());
            return FloeCli.EXIT_USAGE;
        }
        FloeHttpServer http;
        try {
            http = loaded.http().enabled() ? FloeHttpServer.start(runtime, loaded.http(), Clock.systemUTC()) : null;
        } catch (IllegalStateException e) {
            runtime.stop(stopTimeout);
            runtime.close();
            throw e;
        }
        AtomicBoolean exiting = new AtomicBoolean();
        Thread hook = new Thread(
                () -> {
                    // decided before stopping: once stopped, the main thread returns and sets exiting
                    // while this hook still closes the HTTP server, and the signal's 143 would win
                    boolean signalled = !exiting.get();
                    boolean committed = runtime.stop(stopTimeout);
                    if (http != null) {
                        http.close();
                    }
                    runtime.close();
                    if (signalled) {
                        // stopped by a signal: the JVM would report the signal (143); report the stop
                        System.out.flush();
                        System.err.flush();
                        Runtime.getRuntime().halt(committed ? 0 : FloeCli.EXIT_FAILURE);
                    }
                },
                "floe-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        runtime.terminated().join();
        exiting.set(true);
        boolean failed = false;
        for (Pipeline pipeline : runtime.pipelines()) {
            if (pipeline.state() == Pipeline.State.FAILED) {
                failed = true;
                Throwable cause = pipeline.failureCause();
                System.err.println("floe: pipeline " + pipeline.id() + " failed: "
                        + (cause == null ? "unknown cause" : cause.getMessage()));
            }
        }
        return failed ? FloeCli.EXIT_FAILURE : 0;
    }

    /** The config with every pipeline at {@code --parallelism}, if given. */
    private FloeConfig withParallelism(FloeConfig loaded) {
        if (parallelism == null) {
            return loaded;
        }
        if (parallelism < 1) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--parallelism must be at least 1: " + parallelism);
        }
        List<PipelineConfig> pipelines = new ArrayList<>();
        for (PipelineConfig pipeline : loaded.pipelines()) {
            pipelines.add(pipeline.withParallelism(parallelism));
        }
        return new FloeConfig(
                loaded.source(),
                loaded.kafka(),
                loaded.registry(),
                loaded.checkpoints(),
                pipelines,
                loaded.http(),
                loaded.services());
    }

    /** Loading a config file with the installed sink. */
    static final class Configs {
        private Configs() {}

        static FloeConfig load(Path file) {
            return new ConfigLoader(
                            Sinks.installed(),
                            ConfigLoader.environment(),
                            Runtime.getRuntime().availableProcessors())
                    .load(file);
        }
    }
}
