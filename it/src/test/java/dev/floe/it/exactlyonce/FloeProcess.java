package dev.floe.it.exactlyonce;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Floe in a JVM of its own, started from the test class path, so a test can kill it the hard way.
 * Its output goes to a log file under it/target/it-logs.
 */
public final class FloeProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private FloeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code floe run --config config} with {@code environment} added to this one's. */
    public static FloeProcess run(Path config, Map<String, String> environment, String name) {
        return start("dev.floe.engine.cli.FloeCli", List.of("run", "--config", config.toString()), environment, name);
    }

    /** Starts {@code mainClass} with {@code arguments} with {@code environment} added to this one's. */
    public static FloeProcess start(
            String mainClass, List<String> arguments, Map<String, String> environment, String name) {
        Path log = Path.of(System.getProperty("floe.it.logDir", "target/it-logs"), name + ".log")
                .toAbsolutePath();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.add("-Dlogback.configurationFile=" + resource("child-logback.xml"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(log.getParent());
            // a fresh log per run: one appended to across runs of the suite misleads whoever reads it
            builder.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            return new FloeProcess(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + mainClass + " " + arguments, e);
        }
    }

    private static String resource(String name) {
        try {
            return new File(FloeProcess.class.getResource("/" + name).toURI()).getAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot find " + name + " on the test class path", e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end and returns its exit status. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the Floe process did not end within " + timeout + "; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for the Floe process", e);
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, no final checkpoint. */
    public int kill() {
        process.destroyForcibly();
        return awaitExit(Duration.ofSeconds(30));
    }

    /**
     * SIGTERM once a pipeline runs: Floe takes a final checkpoint, commits it and exits. Sent while
     * the JVM still starts, before Floe's shutdown hook exists, the signal would end it with 143.
     */
    public int stop() {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !process.isAlive() || Files.readString(log).contains("-> RUNNING"));
        process.destroy();
        return awaitExit(Duration.ofSeconds(90));
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
