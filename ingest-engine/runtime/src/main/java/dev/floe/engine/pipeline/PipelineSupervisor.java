package dev.floe.engine.pipeline;

import dev.floe.engine.checkpoint.CheckpointCoordinator;
import dev.floe.engine.config.CheckpointLocation;
import dev.floe.engine.spi.config.ConfigException;
import dev.floe.engine.spi.error.FatalException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one pipeline running: when it fails with anything but a fatal error (which a restart
 * cannot fix), it is started again from its last checkpoint, as the restart strategy allows.
 * Each start is a new {@link Pipeline}: nothing of a failed one is reused.
 */
public final class PipelineSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineSupervisor.class);
    /** A run this long counts as healthy: the next failure backs off from the start again. */
    private static final Duration HEALTHY = Duration.ofMinutes(1);

    private final String id;
    private final Supplier<Pipeline> factory;
    private final RestartStrategy.Attempts attempts;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final CompletableFuture<Pipeline.State> terminated = new CompletableFuture<>();
    private final AtomicInteger restarts = new AtomicInteger();
    private volatile Pipeline current;
    private volatile Instant startedAt;
    private volatile boolean stopping;
    private volatile boolean held;

    public PipelineSupervisor(
            String id,
            Supplier<Pipeline> factory,
            RestartStrategy strategy,
            ScheduledExecutorService scheduler,
            Clock clock) {
        this.id = id;
        this.factory = factory;
        this.attempts = strategy.attempts();
        this.scheduler = scheduler;
        this.clock = clock;
    }

    public String id() {
        return id;
    }

    /** The pipeline now running, or the last one. */
    public Pipeline current() {
        return current;
    }

    /** Whether an operator holds the pipeline's sources (pause through the API). */
    public boolean held() {
        return held;
    }

    /** Holds or releases the sources; a restarted pipeline keeps being held. */
    public synchronized void hold(boolean hold) {
        held = hold;
        LOG.info("Pipeline {}: sources {} on request", id, hold ? "held" : "released");
        Pipeline pipeline = current;
        if (pipeline != null) {
            pipeline.hold(hold);
        }
    }

    /** How often the pipeline was restarted after a failure. */
    public int restarts() {
        return restarts.get();
    }

    /** Completes with the final state once the pipeline stopped, or failed for good. */
    public CompletableFuture<Pipeline.State> terminated() {
        return terminated;
    }

    public synchronized void start() {
        Pipeline pipeline = factory.get();
        current = pipeline;
        startedAt = clock.instant();
        pipeline.terminated().thenAccept(state -> onTerminated(pipeline, state));
        pipeline.hold(held);
        try {
            pipeline.start();
        } catch (RuntimeException e) {
            // the pipeline failed itself; onTerminated decides about a restart
            LOG.error("Pipeline {} could not start: {}", id, e.getMessage());
        }
    }

    private synchronized void onTerminated(Pipeline pipeline, Pipeline.State state) {
        if (pipeline != current) {
            return;
        }
        if (state != Pipeline.State.FAILED || stopping) {
            terminated.complete(state);
            return;
        }
        Throwable cause = pipeline.failureCause();
        if (cause instanceof FatalException || cause instanceof ConfigException) {
            LOG.error("Pipeline {} failed and will not restart: {}", id, cause.getMessage());
            terminated.complete(state);
            return;
        }
        Instant now = clock.instant();
        if (startedAt != null && Duration.between(startedAt, now).compareTo(HEALTHY) >= 0) {
            attempts.succeeded();
        }
        Duration backoff = attempts.next(now);
        if (backoff == null) {
            LOG.error("Pipeline {} failed and used every restart its strategy allows: {}", id, String.valueOf(cause));
            terminated.complete(state);
            return;
        }
        int attempt = restarts.incrementAndGet();
        LOG.warn(
                "Pipeline {} failed ({}); restart {} from its last checkpoint in {} ms",
                id,
                cause == null ? "unknown cause" : cause.getMessage(),
                attempt,
                backoff.toMillis());
        scheduler.schedule(this::restart, backoff.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void restart() {
        if (!stopping) {
            start();
        } else {
            terminated.complete(Pipeline.State.FAILED);
        }
    }

    /**
     * Takes a savepoint of the running pipeline into {@code directory}.
     *
     * @throws IllegalStateException when it is not running
     */
    public CompletableFuture<CheckpointCoordinator.TakenSavepoint> savepoint(CheckpointLocation directory) {
        Pipeline pipeline = current;
        if (pipeline == null) {
            throw new IllegalStateException("Cannot take a savepoint of pipeline " + id + ": it has not started");
        }
        return pipeline.savepoint(directory);
    }

    /**
     * Stops the pipeline after a final checkpoint, written as a savepoint into {@code directory} once
     * committed; the future completes once it stopped. It is not restarted.
     *
     * @throws IllegalStateException when it is not running
     */
    public synchronized CompletableFuture<CheckpointCoordinator.TakenSavepoint> stopWithSavepoint(
            CheckpointLocation directory, Duration timeout) {
        Pipeline pipeline = current;
        if (pipeline == null) {
            throw new IllegalStateException("Cannot stop pipeline " + id + " with a savepoint: it has not started");
        }
        boolean wasStopping = stopping;
        stopping = true;
        try {
            return pipeline.stopWithSavepoint(directory, timeout);
        } catch (IllegalStateException e) {
            stopping = wasStopping;
            throw e;
        }
    }

    /** Stops the pipeline after a final checkpoint; true when it was committed. */
    public boolean stop(Duration timeout) {
        stopping = true;
        Pipeline pipeline = current;
        boolean committed = pipeline == null || pipeline.stop(timeout);
        if (pipeline != null && pipeline.state() != Pipeline.State.RUNNING) {
            terminated.complete(pipeline.state());
        }
        return committed;
    }

    public void close() {
        stopping = true;
        Pipeline pipeline = current;
        if (pipeline != null) {
            pipeline.close();
            terminated.complete(pipeline.state());
        }
    }
}
