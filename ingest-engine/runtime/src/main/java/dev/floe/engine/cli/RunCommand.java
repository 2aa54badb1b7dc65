package dev.floe.engine.cli;

import dev.floe.engine.FloeRuntime;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.http.FloeHttpServer;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.pipeline.RunMode;
import dev.floe.engine.spi.config.ConfigException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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

    @Override
    public Integer call() {
        FloeRuntime runtime;
        FloeConfig loaded;
        try {
            loaded = Configs.load(config);
            runtime = FloeRuntime.start(loaded, Clock.systemUTC(), untilEnd ? RunMode.UNTIL_END : RunMode.CONTINUOUS);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
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
        boolean failed = runtime.pipelines().stream().anyMatch(p -> p.state() == Pipeline.State.FAILED);
        return failed ? FloeCli.EXIT_FAILURE : 0;
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
