package dev.floe.engine.checkpoint;

import dev.floe.engine.config.CheckpointConfig;
import dev.floe.engine.deadletter.DeadLetterCodec;
import dev.floe.engine.spi.deadletter.DeadLetter;
import dev.floe.engine.spi.error.FloeException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.sink.CheckpointInfo;
import dev.floe.engine.spi.sink.SinkCommitter;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.WriteResult;
import dev.floe.engine.state.KeyedStateHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a pipeline's checkpoints and commits them, on one thread.
 *
 * <ol>
 *   <li>On the interval, injects barrier N into every subtask.
 *   <li>Each subtask answers with its offsets, its writer's finished files and its dead letters.
 *   <li>With every answer in, the sink prepares N (files made durable, not visible) and the
 *       checkpoint is stored; from here N must reach every destination.
 *   <li>The {@link CommitSequence} delivers dead letters, commits the sink, then commits the
 *       consumer group's offsets, retrying each step with backoff until it succeeds.
 * </ol>
 *
 * <p>At most one checkpoint is in flight. One that does not complete in time is aborted; what its
 * subtasks already handed in carries over to the next. Past a bound of stored checkpoints waiting
 * for their commit, sources pause until commits catch up.
 */
public final class CheckpointCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointCoordinator.class);
    private static final Duration TICK = Duration.ofMillis(50);
    private static final Duration MAX_RETRY_BACKOFF = Duration.ofSeconds(30);

    /** What the coordinator needs from the subtasks and the pipeline. */
    public interface Pipeline {
        /** Injects barrier {@code checkpointId} into every subtask; after a final one they stop. */
        void injectBarrier(long checkpointId, boolean finalBarrier);

        /** Pauses or resumes every source. */
        void pauseSources(boolean paused);

        /** The pipeline cannot go on. */
        void fail(Throwable cause);
    }

    private final String pipelineId;
    private final CheckpointConfig config;
    private final CheckpointStorage storage;
    private final SinkCommitter committer;
    private final CommitSequence commits;
    private final Listeners listeners;
    private final Clock clock;
    private final Pipeline pipeline;
    private final int subtasks;
    private final int maxParallelism;
    private final ScheduledExecutorService executor;
    private final CheckpointObserver observer;

    private long nextId;
    private SourceOffsets lastOffsets;
    private Pending pending;
    private final List<WriteResult> carriedResults = new ArrayList<>();
    private final List<DeadLetter> carriedLetters = new ArrayList<>();
    private Instant nextTrigger;
    private Instant nextCommitAttempt;
    private int commitFailures;
    private boolean sourcesPaused;
    private CompletableFuture<Void> finalCheckpoint;
    private SavepointRequest savepoint;
    /** Whether the final barrier went out: the subtasks stop after it, and no checkpoint follows. */
    private boolean finalTriggered;
    /** The newest checkpoint stored by this coordinator (its files are in {@link #storage}). */
    private StoredCheckpoint lastStored;

    private boolean closed;

    /**
     * A savepoint taken: checkpoint {@code checkpointId}, committed to every destination, copied
     * to {@code path}.
     */
    public record TakenSavepoint(long checkpointId, String path) {}

    /**
     * @param subtasks every subtask that answers barriers: the sources, and the keyed ones if any
     * @param maxParallelism the key groups of the keyed state, stored with each checkpoint
     * @param start where the sources start, and where the first checkpoint's ranges begin
     * @param nextId the first checkpoint id to use
     * @param recovered the newest stored checkpoint to finish committing, or null
     * @param observer told how each checkpoint and commit went
     */
    public CheckpointCoordinator(
            String pipelineId,
            CheckpointConfig config,
            CheckpointStorage storage,
            SinkCommitter committer,
            CommitSequence commits,
            Listeners listeners,
            Clock clock,
            Pipeline pipeline,
            int subtasks,
            int maxParallelism,
            SourceOffsets start,
            long nextId,
            StoredCheckpoint recovered,
            CheckpointObserver observer) {
        this.pipelineId = pipelineId;
        this.config = config;
        this.storage = storage;
        this.committer = committer;
        this.commits = commits;
        this.listeners = listeners;
        this.clock = clock;
        this.pipeline = pipeline;
        this.subtasks = subtasks;
        this.maxParallelism = maxParallelism;
        this.lastOffsets = start;
        this.nextId = nextId;
        this.observer = observer;
        if (recovered != null) {
            commits.restored(recovered);
        }
        Instant now = clock.instant();
        this.nextTrigger = now.plus(config.interval());
        this.nextCommitAttempt = now;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "floe-" + pipelineId + "-coordinator");
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start() {
        executor.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A subtask's answer to a barrier; may come from any thread. */
    public void acknowledge(Acknowledgement acknowledgement) {
        executor.execute(() -> onAcknowledgement(acknowledgement));
    }

    /**
     * Takes a last checkpoint now, after which the subtasks stop, and commits it. The future
     * completes when everything is committed.
     */
    public CompletableFuture<Void> stopWithFinalCheckpoint() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        executor.execute(() -> {
            finalCheckpoint = done;
            if (pending == null) {
                trigger(true);
            } else {
                pending.finalRequested = true;
            }
        });
        return done;
    }

    /**
     * Takes a checkpoint now instead of at the next interval (an operator asked for it). The future
     * completes with its id, or that of the checkpoint already in flight.
     */
    public CompletableFuture<Long> triggerCheckpoint() {
        CompletableFuture<Long> triggered = new CompletableFuture<>();
        executor.execute(() -> {
            if (closed || finalCheckpoint != null) {
                triggered.completeExceptionally(new IllegalStateException(
                        "Cannot trigger a checkpoint of pipeline " + pipelineId + ": it is stopping"));
            } else if (pending != null) {
                triggered.complete(pending.id);
            } else {
                trigger(false);
                triggered.complete(pending.id);
            }
        });
        return triggered;
    }

    /**
     * Takes a savepoint: a checkpoint now (or the one in flight) which, once committed to every
     * destination and before retention may delete any of its files, {@code writer} copies out. The
     * future completes with where it is, or fails saying why.
     */
    public CompletableFuture<TakenSavepoint> triggerSavepoint(SavepointWriter writer) {
        return requestSavepoint(writer, false);
    }

    /**
     * Takes a last checkpoint, after which the subtasks stop, and, once it is committed, writes it
     * as a savepoint: stop-with-savepoint. The future completes with where it is.
     */
    public CompletableFuture<TakenSavepoint> stopWithSavepoint(SavepointWriter writer) {
        return requestSavepoint(writer, true);
    }

    private CompletableFuture<TakenSavepoint> requestSavepoint(SavepointWriter writer, boolean stop) {
        SavepointRequest request = new SavepointRequest(writer, stop);
        try {
            executor.execute(() -> {
                if (closed || finalCheckpoint != null || finalTriggered) {
                    request.done.completeExceptionally(new IllegalStateException(
                            "Cannot take a savepoint of pipeline " + pipelineId + ": it is stopping"));
                    return;
                }
                if (savepoint != null) {
                    request.done.completeExceptionally(new IllegalStateException("Cannot take a savepoint of pipeline "
                            + pipelineId + ": one is in progress"
                            + (savepoint.checkpointId > 0 ? " (checkpoint " + savepoint.checkpointId + ")" : "")));
                    return;
                }
                savepoint = request;
                if (stop) {
                    finalCheckpoint = new CompletableFuture<>();
                    if (pending == null) {
                        trigger(true);
                    } else {
                        pending.finalRequested = true;
                    }
                } else if (pending != null) {
                    request.checkpointId = pending.id;
                } else {
                    trigger(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            request.done.completeExceptionally(new IllegalStateException(
                    "Cannot take a savepoint of pipeline " + pipelineId + ": its coordinator has stopped"));
        }
        return request.done;
    }

    /** The newest checkpoint committed to every destination. */
    public CompletableFuture<Long> completedCheckpoint() {
        return CompletableFuture.supplyAsync(commits::completedUpTo, executor);
    }

    private void tick() {
        if (closed) {
            return;
        }
        try {
            Instant now = clock.instant();
            if (pending != null && Duration.between(pending.triggeredAt, now).compareTo(config.timeout()) > 0) {
                abort("it did not complete within " + config.timeout());
            }
            if (!commits.isComplete() && !now.isBefore(nextCommitAttempt)) {
                commit();
            }
            boolean tooManyWaiting = commits.waiting() >= config.maxPendingCommits();
            setSourcesPaused(tooManyWaiting);
            if (pending == null && finalCheckpoint == null && !tooManyWaiting && !now.isBefore(nextTrigger)) {
                trigger(false);
            }
        } catch (RuntimeException e) {
            LOG.error("Checkpoint coordinator of pipeline {} failed", pipelineId, e);
            pipeline.fail(e);
        }
    }

    private void trigger(boolean finalBarrier) {
        long id = nextId++;
        pending = new Pending(id, clock.instant(), subtasks, finalBarrier);
        finalTriggered |= finalBarrier;
        if (savepoint != null && savepoint.checkpointId < 0 && (finalBarrier || !savepoint.stop)) {
            savepoint.checkpointId = id;
        }
        LOG.debug("Triggering checkpoint {} of pipeline {}", id, pipelineId);
        pipeline.injectBarrier(id, finalBarrier);
    }

    private void onAcknowledgement(Acknowledgement ack) {
        if (pending == null || ack.checkpointId() != pending.id) {
            // the answer to an aborted checkpoint: its work belongs to the next one
            if (ack.writeResult() != null) {
                carriedResults.add(ack.writeResult());
            }
            carriedLetters.addAll(ack.deadLetters());
            return;
        }
        if (pending.acks.put(ack.subtask(), ack) == null && pending.acks.size() == subtasks) {
            complete(pending);
        }
    }

    private void complete(Pending checkpoint) {
        pending = null;
        List<WriteResult> results = new ArrayList<>(carriedResults);
        List<DeadLetter> letters = new ArrayList<>(carriedLetters);
        Map<dev.floe.engine.spi.sink.SourcePartition, Long> offsets = new HashMap<>(lastOffsets.asMap());
        List<KeyedStateHandle> states = new ArrayList<>();
        for (Acknowledgement ack : checkpoint.acks.values()) {
            if (ack.writeResult() != null) {
                results.add(ack.writeResult());
            }
            if (ack.keyedState() != null) {
                states.add(ack.keyedState());
            }
            letters.addAll(ack.deadLetters());
            offsets.putAll(ack.offsets().asMap());
        }
        SourceOffsets newOffsets = SourceOffsets.of(offsets);
        CheckpointInfo info =
                new CheckpointInfo(pipelineId, checkpoint.id, newOffsets, lastOffsets, checkpoint.triggeredAt);
        byte[] sinkState;
        try {
            sinkState = committer.prepare(info, results);
        } catch (RetriableException e) {
            LOG.warn("Cannot complete checkpoint {} of pipeline {}: {}", checkpoint.id, pipelineId, e.getMessage());
            observer.failed(checkpoint.id, checkpoint.triggeredAt, e.getMessage());
            failSavepoint(checkpoint.id, "could not be completed: " + e.getMessage());
            carriedResults.clear();
            carriedResults.addAll(results);
            carriedLetters.clear();
            carriedLetters.addAll(letters);
            afterAttempt(checkpoint, false);
            return;
        }
        // the committer now holds these results; only dead letters still need a home
        carriedResults.clear();
        List<StoredCheckpoint.DeadLetterBatch> batches = new ArrayList<>(commits.undelivered());
        Map<String, byte[]> attachments = new HashMap<>();
        if (!letters.isEmpty()) {
            String path = storage.attachmentPath(checkpoint.id, "dead-letters");
            attachments.put(path, DeadLetterCodec.encode(letters));
            batches.add(new StoredCheckpoint.DeadLetterBatch(checkpoint.id, path, letters.size()));
        }
        StoredCheckpoint stored = new StoredCheckpoint(
                pipelineId,
                checkpoint.id,
                checkpoint.triggeredAt,
                newOffsets,
                lastOffsets,
                new StoredCheckpoint.SinkState(sinkState),
                batches,
                maxParallelism,
                states);
        try {
            storage.store(stored, attachments);
        } catch (RetriableException e) {
            LOG.warn("Cannot store checkpoint {} of pipeline {}: {}", checkpoint.id, pipelineId, e.getMessage());
            observer.failed(checkpoint.id, checkpoint.triggeredAt, e.getMessage());
            failSavepoint(checkpoint.id, "could not be stored: " + e.getMessage());
            carriedLetters.clear();
            carriedLetters.addAll(letters);
            afterAttempt(checkpoint, false);
            return;
        }
        carriedLetters.clear();
        lastOffsets = newOffsets;
        lastStored = stored;
        long records = results.stream().mapToLong(WriteResult::records).sum();
        Duration duration = Duration.between(checkpoint.triggeredAt, clock.instant());
        LOG.info(
                "Checkpoint {} of pipeline {} stored in {} ms: {} records, {} dead letters",
                checkpoint.id,
                pipelineId,
                duration.toMillis(),
                records,
                letters.size());
        long bytes = results.stream().mapToLong(WriteResult::bytes).sum()
                + states.stream().mapToLong(KeyedStateHandle::bytes).sum()
                + attachments.values().stream().mapToLong(a -> a.length).sum();
        observer.stored(new CheckpointObserver.CheckpointSummary(
                checkpoint.id, checkpoint.triggeredAt, duration, records, bytes, letters.size()));
        listeners.notify(pipelineId, CheckpointPhase.CHECKPOINT_STORED, checkpoint.id, -1);
        if (checkpoint.finalBarrier) {
            commits.storedFinal(stored);
        } else {
            commits.stored(stored);
        }
        nextCommitAttempt = clock.instant();
        commitFailures = 0;
        commit();
        afterAttempt(checkpoint, true);
    }

    private void afterAttempt(Pending checkpoint, boolean stored) {
        Instant byInterval = checkpoint.triggeredAt.plus(config.interval());
        Instant byPause = clock.instant().plus(config.minPause());
        nextTrigger = byInterval.isAfter(byPause) ? byInterval : byPause;
        if (checkpoint.finalBarrier) {
            if (stored) {
                awaitFinalCommit();
            } else if (finalCheckpoint != null) {
                // the subtasks stopped at the final barrier: what they handed in cannot be committed now
                finalCheckpoint.completeExceptionally(new RetriableException(
                        dev.floe.engine.EngineErrorCode.CHECKPOINT_TIMEOUT,
                        "Cannot take the final checkpoint " + checkpoint.id + " of pipeline " + pipelineId
                                + "; the next start resumes from checkpoint " + commits.completedUpTo(),
                        null));
                finalCheckpoint = null;
            }
        } else if (checkpoint.finalRequested) {
            trigger(true);
        }
    }

    /** Completes the stop once the final checkpoint is committed; tick() retries failed commits. */
    private void awaitFinalCommit() {
        if (finalCheckpoint != null && commits.isComplete()) {
            finalCheckpoint.complete(null);
            finalCheckpoint = null;
        } else if (finalCheckpoint != null && !closed) {
            executor.schedule(this::awaitFinalCommit, TICK.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void commit() {
        long before = commits.completedUpTo();
        Instant started = clock.instant();
        try {
            commits.run();
            commitFailures = 0;
            if (commits.completedUpTo() > before) {
                observer.committed(commits.completedUpTo(), Duration.between(started, clock.instant()));
            }
        } catch (RetriableException e) {
            observer.commitFailed(commits.latestStored(), e.getMessage());
            commitFailures++;
            Duration backoff = backoff(commitFailures);
            nextCommitAttempt = clock.instant().plus(backoff);
            LOG.warn(
                    "Cannot commit checkpoints of pipeline {} yet (attempt {}), retrying in {} ms: {}",
                    pipelineId,
                    commitFailures,
                    backoff.toMillis(),
                    e.getMessage());
            return;
        } catch (FloeException e) {
            observer.commitFailed(commits.latestStored(), e.getMessage());
            pipeline.fail(e);
            return;
        }
        // before retention, which may delete the files of the checkpoint the savepoint copies
        writeSavepointOnceCommitted();
        storage.retain(config.retained(), commits.referencedPaths());
    }

    /** Writes the requested savepoint once its checkpoint (or a newer one) is committed everywhere. */
    private void writeSavepointOnceCommitted() {
        SavepointRequest request = savepoint;
        if (request == null
                || request.checkpointId < 0
                || lastStored == null
                || commits.completedUpTo() < request.checkpointId
                || lastStored.checkpointId() != commits.completedUpTo()) {
            return;
        }
        savepoint = null;
        try {
            // the newest committed checkpoint: an older one would be behind the table already
            SavepointLocation location = request.writer.write(lastStored, storage);
            request.done.complete(new TakenSavepoint(lastStored.checkpointId(), location.describe()));
        } catch (RuntimeException e) {
            LOG.warn(
                    "Cannot write checkpoint {} of pipeline {} as a savepoint: {}",
                    lastStored.checkpointId(),
                    pipelineId,
                    e.getMessage());
            request.done.completeExceptionally(e);
        }
    }

    private void failSavepoint(long checkpointId, String reason) {
        if (savepoint != null && savepoint.checkpointId == checkpointId) {
            savepoint.done.completeExceptionally(new RetriableException(
                    dev.floe.engine.EngineErrorCode.SAVEPOINT_FAILED,
                    "Cannot take a savepoint of pipeline " + pipelineId + ": its checkpoint " + checkpointId + " "
                            + reason,
                    null));
            savepoint = null;
        }
    }

    private static Duration backoff(int failures) {
        long millis = 200L << Math.min(failures - 1, 10);
        Duration backoff = Duration.ofMillis(millis);
        return backoff.compareTo(MAX_RETRY_BACKOFF) > 0 ? MAX_RETRY_BACKOFF : backoff;
    }

    private void abort(String reason) {
        Pending aborted = pending;
        pending = null;
        LOG.warn(
                "Aborting checkpoint {} of pipeline {}: {} ({} of {} subtasks answered)",
                aborted.id,
                pipelineId,
                reason,
                aborted.acks.size(),
                subtasks);
        observer.failed(aborted.id, aborted.triggeredAt, reason);
        failSavepoint(aborted.id, "was aborted: " + reason);
        for (Acknowledgement ack : aborted.acks.values()) {
            if (ack.writeResult() != null) {
                carriedResults.add(ack.writeResult());
            }
            carriedLetters.addAll(ack.deadLetters());
        }
        afterAttempt(aborted, false);
    }

    private void setSourcesPaused(boolean paused) {
        if (paused != sourcesPaused) {
            sourcesPaused = paused;
            if (paused) {
                LOG.warn(
                        "Pausing the sources of pipeline {}: {} stored checkpoints wait for their commit",
                        pipelineId,
                        commits.waiting());
            } else {
                LOG.info("Resuming the sources of pipeline {}", pipelineId);
            }
            pipeline.pauseSources(paused);
        }
    }

    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                closed = true;
                if (savepoint != null) {
                    savepoint.done.completeExceptionally(
                            new IllegalStateException("Cannot take a savepoint of pipeline " + pipelineId
                                    + ": it closed before its checkpoint was committed"));
                    savepoint = null;
                }
                if (finalCheckpoint != null) {
                    finalCheckpoint.completeExceptionally(
                            new IllegalStateException("pipeline " + pipelineId + " closed before its final commit"));
                }
                done.complete(null);
            });
            done.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // already shut down
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("Checkpoint coordinator of pipeline {} did not stop in time", pipelineId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }

    /** A savepoint asked for, waiting for its checkpoint to be committed. */
    private static final class SavepointRequest {
        final SavepointWriter writer;
        final boolean stop;
        final CompletableFuture<TakenSavepoint> done = new CompletableFuture<>();
        /** The checkpoint it waits for; -1 until that one is triggered. */
        long checkpointId = -1;

        SavepointRequest(SavepointWriter writer, boolean stop) {
            this.writer = writer;
            this.stop = stop;
        }
    }

    /** A checkpoint waiting for its subtasks' answers. */
    private static final class Pending {
        final long id;
        final Instant triggeredAt;
        final boolean finalBarrier;
        final Map<Integer, Acknowledgement> acks;
        boolean finalRequested;

        Pending(long id, Instant triggeredAt, int subtasks, boolean finalBarrier) {
            this.id = id;
            this.triggeredAt = triggeredAt;
            this.finalBarrier = finalBarrier;
            this.acks = new HashMap<>(subtasks * 2);
        }
    }
}
