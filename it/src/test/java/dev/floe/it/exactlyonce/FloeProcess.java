package dev.floe.it.exactlyonce;

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
 * {@code floe run} in a JVM of its own, started from the test class path, so a test can kill it
 * the hard way. Its output goes to a log file under it/target/it-logs.
 */
final class FloeProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private FloeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code floe run --config config} with {@code environment} added to this one's. */
    static FloeProcess run(Path config, Map<String, String> environment, String name) {
        Path log = Path.of(System.getProperty("floe.it.logDir", "target/it-logs"), name + ".log")
                .toAbsolutePath();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.add("-Dlogback.configurationFile=" + resource("child-logback.xml"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.floe.engine.cli.FloeCli");
        command.add("run");
        command.add("--config");
        command.add(config.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(log.getParent());
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            return new FloeProcess(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start a Floe process for " + config, e);
        }
    }

    private static String resource(String name) {
        try {
            return new File(FloeProcess.class.getResource("/" + name).toURI()).getAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot find " + name + " on the test class path", e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end and returns its exit status. */
    int awaitExit(Duration timeout) {
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
    int kill() {
        process.destroyForcibly();
        return awaitExit(Duration.ofSeconds(30));
    }

    /** SIGTERM: Floe takes a final checkpoint, commits it and exits. */
    int stop() {
        process.destroy();
        return awaitExit(Duration.ofSeconds(90));
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
