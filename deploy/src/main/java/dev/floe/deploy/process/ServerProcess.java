package dev.floe.deploy.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server run as a child process: its output goes to a log file, it counts as started when it
 * prints the line that says so, and closing it asks it to stop (SIGTERM) before forcing it. A JVM
 * that exits without closing it still stops it, through a shutdown hook.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerProcess.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Duration startupTime;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ServerProcess(String name, Process process, Path logFile, Duration startupTime, Thread shutdownHook) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.startupTime = startupTime;
        this.shutdownHook = shutdownHook;
    }

    /** What to start and how to know it is ready. */
    public record Launch(
            String name,
            List<String> command,
            Map<String, String> environment,
            Path workingDirectory,
            Path logFile,
            Predicate<String> readyLine,
            Duration timeout) {
        public Launch {
            Objects.requireNonNull(name, "name");
            command = List.copyOf(command);
            environment = Map.copyOf(environment);
            Objects.requireNonNull(workingDirectory, "workingDirectory");
            Objects.requireNonNull(logFile, "logFile");
            Objects.requireNonNull(readyLine, "readyLine");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /** Starts the process and waits until it prints its ready line. */
    public static ServerProcess start(Launch launch) {
        long started = System.nanoTime();
        Process process;
        Writer log;
        try {
            Files.createDirectories(launch.logFile().toAbsolutePath().getParent());
            log = Files.newBufferedWriter(
                    launch.logFile(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(launch.command())
                    .directory(launch.workingDirectory().toFile())
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
            builder.environment().putAll(launch.environment());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + launch.name() + " (" + launch.command() + "): " + e, e);
        }
        Thread shutdownHook = new Thread(process::destroyForcibly, launch.name() + "-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(process, log, launch.readyLine(), ready), launch.name() + "-log");
        pump.setDaemon(true);
        pump.start();
        process.onExit()
                .thenRun(() -> ready.completeExceptionally(new IllegalStateException(launch.name()
                        + " exited with code " + process.exitValue() + " before it was ready; see "
                        + launch.logFile())));
        try {
            ready.get(launch.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            stop(launch.name(), process, shutdownHook);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String reason = e instanceof TimeoutException
                    ? "not ready within " + launch.timeout() + "; see " + launch.logFile()
                    : e.getCause() == null ? e.toString() : e.getCause().getMessage();
            throw new IllegalStateException("Cannot start " + launch.name() + ": " + reason, e);
        }
        Duration startup = Duration.ofNanos(System.nanoTime() - started);
        LOG.info(
                "{} started in {} ms (pid {}, log {})",
                launch.name(),
                startup.toMillis(),
                process.pid(),
                launch.logFile());
        return new ServerProcess(launch.name(), process, launch.logFile(), startup, shutdownHook);
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static void pump(Process process, Writer log, Predicate<String> readyLine, CompletableFuture<Void> ready) {
        try (BufferedReader output =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer out = log) {
            String line;
            while ((line = output.readLine()) != null) {
                out.write(line);
                out.write('\n');
                if (!ready.isDone() && readyLine.test(line)) {
                    out.flush();
                    ready.complete(null);
                }
                if (ready.isDone()) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** From the start of the process to its ready line. */
    public Duration startupTime() {
        return startupTime;
    }

    public Path logFile() {
        return logFile;
    }

    /** Asks the process to stop, and forces it after a while; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stop(name, process, shutdownHook);
    }

    private static void stop(String name, Process process, Thread shutdownHook) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} did not stop within {}; killing it", name, STOP_TIMEOUT);
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already: the hook runs anyway
        }
    }
}
