package dev.floe.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.config.CheckpointConfig;
import dev.floe.engine.metrics.CheckpointHistory;
import dev.floe.engine.metrics.PipelineMetrics;
import dev.floe.engine.source.ConsumerGroupOffsets;
import dev.floe.engine.spi.deadletter.DeadLetter;
import dev.floe.engine.spi.deadletter.DeadLetterDelivery;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.sink.CheckpointInfo;
import dev.floe.engine.spi.sink.SinkCommitter;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.engine.spi.sink.WriteResult;
import dev.floe.engine.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointCoordinatorTest {
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final SourcePartition P0 = new SourcePartition("orders", 0);
    private static final SourcePartition P1 = new SourcePartition("orders", 1);

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final RecordingCommitter committer = new RecordingCommitter();
    private final RecordingDelivery delivery = new RecordingDelivery();
    private final RecordingGroups groups = new RecordingGroups();
    private final RecordingPipeline pipeline = new RecordingPipeline();
    private final PipelineMetrics observer = new PipelineMetrics("orders", new SimpleMeterRegistry(), clock);
    private CheckpointCoordinator coordinator;
    private LocalCheckpointStorage storage;

    @AfterEach
    void close() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private void start(int subtasks, int maxPendingCommits, StoredCheckpoint recovered, long nextId) {
        CheckpointConfig config =
                new CheckpointConfig(INTERVAL, directory, Duration.ofMinutes(1), Duration.ZERO, 2, maxPendingCommits);
        storage = new LocalCheckpointStorage(directory, "orders");
        Listeners listeners = new Listeners(
                List.of((pipelineId, phase, checkpointId, subtask) -> events.add(phase + " " + checkpointId)));
        CommitSequence commits = new CommitSequence(
                "orders", storage, committer, delivery, groups, "floe-orders", listeners, delivery.delivered());
        coordinator = new CheckpointCoordinator(
                "orders",
                config,
                storage,
                committer,
                commits,
                listeners,
                clock,
                pipeline,
                subtasks,
                128,
                offsets(0, 0),
                nextId,
                recovered,
                observer);
        coordinator.start();
    }

    private static SourceOffsets offsets(long p0, long p1) {
        return SourceOffsets.of(Map.of(P0, p0, P1, p1));
    }

    private static DeadLetter letter(SourcePartition partition, long offset) {
        return new DeadLetter(
                partition.topic(),
                partition.partition(),
                offset,
                0,
                null,
                null,
                List.of(),
                "decode",
                "CORRUPT_RECORD",
                "corrupt",
                Instant.EPOCH);
    }

    private long awaitBarrier(int count) {
        clock.advance(INTERVAL);
        await().atMost(5, TimeUnit.SECONDS).until(() -> pipeline.barriers.size() >= count);
        return pipeline.barriers.get(count - 1);
    }

    @Test
    void storesACheckpointWhenEverySubtaskAnsweredThenDeliversCommitsAndReportsInOrder() {
        start(2, 5, null, 1);
        long id = awaitBarrier(1);

        coordinator.acknowledge(new Acknowledgement(
                id, 0, SourceOffsets.of(Map.of(P0, 100L)), new Result(100), List.of(letter(P0, 42)), null));
        coordinator.acknowledge(
                new Acknowledgement(id, 1, SourceOffsets.of(Map.of(P1, 50L)), new Result(50), List.of(), null));

        await().atMost(5, TimeUnit.SECONDS).until(() -> events.contains("OFFSETS_COMMITTED 1"));
        assertThat(events)
                .containsExactly(
                        "CHECKPOINT_STORED 1", "DEAD_LETTERS_DELIVERED 1", "SINK_COMMITTED 1", "OFFSETS_COMMITTED 1");
        assertThat(committer.prepared).containsExactly("1: 150 records from 0-0 to 100-50");
        assertThat(storage.latest()).hasValueSatisfying(stored -> {
            assertThat(stored.checkpointId()).isEqualTo(1);
            assertThat(stored.offsets()).isEqualTo(offsets(100, 50));
            assertThat(stored.deadLetters()).hasSize(1);
        });
        assertThat(delivery.delivered).containsExactly("1: [orders-0@42] up to " + offsets(100, 50));
        assertThat(groups.committed).containsExactly("floe-orders " + offsets(100, 50));
        await().atMost(5, TimeUnit.SECONDS).until(() -> observer.lastCommitted() == 1);
        assertThat(observer.checkpoints().entries()).singleElement().satisfies(entry -> {
            assertThat(entry.id()).isEqualTo(1);
            assertThat(entry.status()).isEqualTo(CheckpointHistory.Status.COMMITTED);
            assertThat(entry.records()).isEqualTo(150);
            assertThat(entry.deadLetters()).isEqualTo(1);
            assertThat(entry.duration()).isEqualTo(INTERVAL.multipliedBy(0));
        });
        assertThat(observer.checkpointsCompleted()).isEqualTo(1);
        assertThat(observer.commitProblem()).isNull();
    }

    @Test
    void triggersACheckpointOnRequestBeforeItsInterval() throws Exception {
        start(1, 5, null, 1);

        long id = coordinator.triggerCheckpoint().get(5, TimeUnit.SECONDS);

        assertThat(id).isEqualTo(1);
        assertThat(pipeline.barriers).containsExactly(1L);
        assertThat(coordinator.triggerCheckpoint().get(5, TimeUnit.SECONDS))
                .as("the checkpoint in flight, not a second one")
                .isEqualTo(1);
        coordinator.acknowledge(
                new Acknowledgement(id, 0, SourceOffsets.of(Map.of(P0, 7L)), new Result(7), List.of(), null));
        await().atMost(5, TimeUnit.SECONDS).until(() -> events.contains("OFFSETS_COMMITTED 1"));
    }

    @Test
    void retriesAFailingCommitAndPausesSourcesWhileTooManyCheckpointsWait() {
        start(1, 2, null, 1);
        committer.failures.set(1_000);

        for (int i = 1; i <= 2; i++) {
            long id = awaitBarrier(i);
            coordinator.acknowledge(
                    new Acknowledgement(id, 0, SourceOffsets.of(Map.of(P0, i * 10L)), new Result(10), List.of(), null));
            long stored = id;
            await().atMost(5, TimeUnit.SECONDS).until(() -> events.contains("CHECKPOINT_STORED " + stored));
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> pipeline.paused.contains(true));
        assertThat(events).doesNotContain("SINK_COMMITTED 1", "SINK_COMMITTED 2");
        assertThat(observer.commitProblem()).isEqualTo("checkpoint 2: the catalog is away");
        clock.advance(INTERVAL.multipliedBy(3));
        assertThat(pipeline.barriers).as("no checkpoint while too many wait").hasSize(2);

        committer.failures.set(0);
        clock.advance(Duration.ofMinutes(1));

        await().atMost(5, TimeUnit.SECONDS).until(() -> events.contains("OFFSETS_COMMITTED 2"));
        assertThat(committer.committed).containsExactly(2L);
        await().atMost(5, TimeUnit.SECONDS).until(() -> observer.commitProblem() == null);
        assertThat(observer.checkpoints().entries())
                .extracting(CheckpointHistory.Entry::status)
                .containsExactly(CheckpointHistory.Status.COMMITTED, CheckpointHistory.Status.COMMITTED);
        await().atMost(5, TimeUnit.SECONDS)
                .until(() -> pipeline.paused.get(pipeline.paused.size() - 1).equals(false));
    }

    @Test
    void abortsACheckpointThatTimesOutAndCarriesWhatWasHandedInToTheNext() {
        start(2, 5, null, 1);
        long first = awaitBarrier(1);
        coordinator.acknowledge(new Acknowledgement(
                first, 0, SourceOffsets.of(Map.of(P0, 10L)), new Result(10), List.of(letter(P0, 3)), null));

        clock.advance(Duration.ofMinutes(2));
        long second = awaitBarrier(2);
        // subtask 1 answers the aborted barrier late, then the new one
        coordinator.acknowledge(
                new Acknowledgement(first, 1, SourceOffsets.of(Map.of(P1, 5L)), new Result(5), List.of(), null));
        coordinator.acknowledge(
                new Acknowledgement(second, 0, SourceOffsets.of(Map.of(P0, 20L)), new Result(10), List.of(), null));
        coordinator.acknowledge(
                new Acknowledgement(second, 1, SourceOffsets.of(Map.of(P1, 9L)), new Result(4), List.of(), null));

        await().atMost(5, TimeUnit.SECONDS).until(() -> events.contains("OFFSETS_COMMITTED 2"));
        assertThat(events).doesNotContain("CHECKPOINT_STORED 1");
        assertThat(committer.prepared).containsExactly("2: 29 records from 0-0 to 20-9");
        assertThat(observer.checkpointsFailed()).isEqualTo(1);
        assertThat(observer.checkpoints().entries().get(0)).satisfies(aborted -> {
            assertThat(aborted.id()).isEqualTo(1);
            assertThat(aborted.status()).isEqualTo(CheckpointHistory.Status.FAILED);
            assertThat(aborted.failure()).isEqualTo("it did not complete within PT1M");
        });
        assertThat(delivery.delivered).containsExactly("2: [orders-0@3] up to " + offsets(20, 9));
    }

    @Test
    void finishesCommittingARestoredCheckpointWithoutDeliveringDeadLettersTwice() throws Exception {
        StoredCheckpoint restored = new StoredCheckpoint(
                "orders",
                4,
                clock.instant(),
                offsets(100, 100),
                offsets(50, 50),
                new StoredCheckpoint.SinkState(new byte[0]),
                List.of(new StoredCheckpoint.DeadLetterBatch(4, "chk-4/dead-letters", 2)),
                128,
                List.of());
        LocalCheckpointStorage writer = new LocalCheckpointStorage(directory, "orders");
        writer.store(
                restored,
                Map.of(
                        "chk-4/dead-letters",
                        dev.floe.engine.deadletter.DeadLetterCodec.encode(List.of(letter(P0, 60), letter(P1, 70)))));
        // the marker says partition 0 was delivered up to 80: only the letter of partition 1 is new
        delivery.marker = SourceOffsets.of(Map.of(P0, 80L));

        start(1, 5, restored, 5);

        await().atMost(5, TimeUnit.SECONDS).until(() -> events.contains("OFFSETS_COMMITTED 4"));
        assertThat(delivery.delivered).containsExactly("4: [orders-1@70] up to " + offsets(100, 100));
        assertThat(committer.committed).containsExactly(4L);
        long next = awaitBarrier(1);
        assertThat(next).isEqualTo(5);
    }

    @Test
    void takesAFinalCheckpointOnStopAndCompletesWhenItIsFlushedWhateverTheSinksCommitPolicy() throws Exception {
        start(1, 5, null, 1);

        CompletableFuture<Void> stopped = coordinator.stopWithFinalCheckpoint();
        await().atMost(5, TimeUnit.SECONDS).until(() -> pipeline.finalBarrier != null);
        assertThat(stopped).isNotDone();
        coordinator.acknowledge(new Acknowledgement(
                pipeline.finalBarrier, 0, SourceOffsets.of(Map.of(P0, 7L)), new Result(7), List.of(), null));

        stopped.get(5, TimeUnit.SECONDS);
        assertThat(committer.flushed)
                .as("nothing commits what a commit policy would let wait after a stop: the final one flushes")
                .containsExactly(pipeline.finalBarrier);
        assertThat(committer.committed).isEmpty();
    }

    private SavepointWriter savepointWriter() {
        return new SavepointWriter(
                new dev.floe.engine.config.CheckpointLocation.Local(directory.resolve("savepoints")), "none", 1, clock);
    }

    @Test
    void writesASavepointOnlyOnceItsCheckpointIsCommitted() throws Exception {
        start(1, 5, null, 1);
        committer.failures.set(1);

        CompletableFuture<CheckpointCoordinator.TakenSavepoint> taken = coordinator.triggerSavepoint(savepointWriter());
        await().atMost(5, TimeUnit.SECONDS).until(() -> pipeline.barriers.size() == 1);
        long id = pipeline.barriers.get(0);
        coordinator.acknowledge(
                new Acknowledgement(id, 0, SourceOffsets.of(Map.of(P0, 7L)), new Result(7), List.of(), null));
        await().atMost(5, TimeUnit.SECONDS).until(() -> observer.commitProblem() != null);
        assertThat(taken).as("not taken while its commit fails").isNotDone();

        clock.advance(Duration.ofSeconds(1));

        CheckpointCoordinator.TakenSavepoint savepoint = taken.get(5, TimeUnit.SECONDS);
        assertThat(committer.committed).containsExactly(id);
        assertThat(savepoint.checkpointId()).isEqualTo(id);
        assertThat(savepoint.path())
                .startsWith(directory
                        .resolve("savepoints")
                        .resolve("savepoint-orders-1-")
                        .toString());
        Savepoint read = Savepoint.read(SavepointLocation.parse(
                savepoint.path(), new dev.floe.engine.config.CheckpointLocation.Local(directory)));
        assertThat(read.checkpoint().offsets()).isEqualTo(offsets(7, 0));
        assertThat(read.descriptor().pipelineId()).isEqualTo("orders");
    }

    @Test
    void stopsWithASavepointOfItsFinalCheckpoint() throws Exception {
        start(1, 5, null, 1);

        CompletableFuture<CheckpointCoordinator.TakenSavepoint> taken =
                coordinator.stopWithSavepoint(savepointWriter());
        await().atMost(5, TimeUnit.SECONDS).until(() -> pipeline.finalBarrier != null);
        coordinator.acknowledge(new Acknowledgement(
                pipeline.finalBarrier, 0, SourceOffsets.of(Map.of(P0, 9L)), new Result(9), List.of(), null));

        assertThat(taken.get(5, TimeUnit.SECONDS).checkpointId()).isEqualTo(pipeline.finalBarrier);
        // a final checkpoint commits through flush: with it, whatever a commit policy let wait
        assertThat(committer.flushed).containsExactly(pipeline.finalBarrier);
        assertThat(committer.committed).isEmpty();
        assertThat(coordinator.triggerSavepoint(savepointWriter()))
                .failsWithin(5, TimeUnit.SECONDS)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withMessageContaining("Cannot take a savepoint of pipeline orders: it is stopping");
    }

    @Test
    void failsASavepointWhoseCheckpointIsAborted() {
        start(2, 5, null, 1);

        CompletableFuture<CheckpointCoordinator.TakenSavepoint> taken = coordinator.triggerSavepoint(savepointWriter());
        await().atMost(5, TimeUnit.SECONDS).until(() -> pipeline.barriers.size() == 1);
        coordinator.acknowledge(
                new Acknowledgement(1, 0, SourceOffsets.of(Map.of(P0, 7L)), new Result(7), List.of(), null));
        clock.advance(Duration.ofMinutes(2));

        assertThat(taken)
                .failsWithin(5, TimeUnit.SECONDS)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withMessageContaining(
                        "Cannot take a savepoint of pipeline orders: its checkpoint 1 was aborted: it did"
                                + " not complete within PT1M");
    }

    private record Result(long records) implements WriteResult {
        @Override
        public long bytes() {
            return records * 10;
        }
    }

    private final class RecordingCommitter implements SinkCommitter {
        final List<String> prepared = new CopyOnWriteArrayList<>();
        final List<Long> committed = new CopyOnWriteArrayList<>();
        final List<Long> flushed = new CopyOnWriteArrayList<>();
        final AtomicInteger failures = new AtomicInteger();
        private int pending;

        @Override
        public byte[] prepare(CheckpointInfo checkpoint, List<WriteResult> results) {
            long records = results.stream().mapToLong(WriteResult::records).sum();
            prepared.add(checkpoint.checkpointId() + ": " + records + " records from "
                    + checkpoint.startOffsets().offset(P0).orElse(-1) + "-"
                    + checkpoint.startOffsets().offset(P1).orElse(-1)
                    + " to " + checkpoint.offsets().offset(P0).orElse(-1) + "-"
                    + checkpoint.offsets().offset(P1).orElse(-1));
            pending++;
            return new byte[] {(byte) checkpoint.checkpointId()};
        }

        @Override
        public void commit(long checkpointId) {
            if (failures.get() > 0) {
                failures.decrementAndGet();
                throw new RetriableException(EngineErrorCode.KAFKA_FAILED, "the catalog is away", null);
            }
            committed.add(checkpointId);
            pending = 0;
        }

        @Override
        public void flush(long checkpointId) {
            flushed.add(checkpointId);
            pending = 0;
        }

        @Override
        public void restore(CheckpointInfo checkpoint, byte[] state) {
            pending = 1;
        }

        @Override
        public int pendingCheckpoints() {
            return pending;
        }
    }

    private static final class RecordingDelivery implements DeadLetterDelivery {
        final List<String> delivered = new CopyOnWriteArrayList<>();
        volatile SourceOffsets marker = SourceOffsets.empty();

        @Override
        public void deliver(long checkpointId, List<DeadLetter> letters, SourceOffsets to) {
            List<String> locations = new ArrayList<>();
            letters.forEach(letter -> locations.add(letter.location()));
            delivered.add(checkpointId + ": " + locations + " up to " + to);
            marker = to;
        }

        @Override
        public SourceOffsets delivered() {
            return marker;
        }

        @Override
        public String describe() {
            return "a recording";
        }
    }

    private static final class RecordingGroups implements ConsumerGroupOffsets {
        final List<String> committed = new CopyOnWriteArrayList<>();

        @Override
        public SourceOffsets read(String groupId) {
            return SourceOffsets.empty();
        }

        @Override
        public void commit(String groupId, SourceOffsets offsets, String metadata) {
            committed.add(groupId + " " + offsets);
        }
    }

    private static final class RecordingPipeline implements CheckpointCoordinator.Pipeline {
        final List<Long> barriers = new CopyOnWriteArrayList<>();
        final List<Boolean> paused = Collections.synchronizedList(new ArrayList<>());
        volatile Long finalBarrier;

        @Override
        public void injectBarrier(long checkpointId, boolean last) {
            barriers.add(checkpointId);
            if (last) {
                finalBarrier = checkpointId;
            }
        }

        @Override
        public void pauseSources(boolean pause) {
            paused.add(pause);
        }

        @Override
        public void fail(Throwable cause) {
            throw new AssertionError("the pipeline failed", cause);
        }
    }
}
