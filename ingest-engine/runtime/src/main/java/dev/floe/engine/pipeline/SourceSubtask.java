package dev.floe.engine.pipeline;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.checkpoint.Acknowledgement;
import dev.floe.engine.checkpoint.CheckpointCoordinator;
import dev.floe.engine.checkpoint.CheckpointPhase;
import dev.floe.engine.checkpoint.Listeners;
import dev.floe.engine.config.EngineOptions;
import dev.floe.engine.format.ConfluentAvroDecoder;
import dev.floe.engine.metrics.PipelineMetrics;
import dev.floe.engine.metrics.SubtaskMetrics;
import dev.floe.engine.source.KafkaSourceReader;
import dev.floe.engine.source.SourceRecord;
import dev.floe.engine.spi.dataflow.Collector;
import dev.floe.engine.spi.dataflow.Operator;
import dev.floe.engine.spi.dataflow.OperatorContext;
import dev.floe.engine.spi.dataflow.RecordMetadata;
import dev.floe.engine.spi.deadletter.DeadLetter;
import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.engine.spi.sink.WriteResult;
import dev.floe.engine.time.SourceEventTime;
import dev.floe.engine.time.WatermarkTracker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One source subtask: read, decode, the stateless operators, and then the output (a sink writer, or
 * the keyBy exchange) chained on one thread, so a record is never handed over on its own.
 *
 * <p>Barriers arrive through a mailbox checked between polls: everything a poll returned is
 * processed before a barrier is taken, so the consumer's positions are exactly the next offsets.
 */
final class SourceSubtask implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SourceSubtask.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final int LOGGED_REJECTIONS = 10;
    /** How often the subtask publishes its partitions' lag. */
    private static final long LAG_PUBLISH_MILLIS = 1000;

    private final String pipelineId;
    private final int index;
    private final int parallelism;
    private final KafkaSourceReader reader;
    private final ConfluentAvroDecoder decoder;
    private final Collector head;
    private final SubtaskOutput output;
    private final CheckpointCoordinator coordinator;
    private final Listeners listeners;
    private final Clock clock;
    private final EngineOptions.OnError onError;
    private final PipelineFailure failure;
    private final RetryPolicy<Row> registryRetry;
    private final SourceEventTime eventTime;
    private final List<Operator> operators;
    private final SourceOffsets endOffsets;
    private final OffsetTable ends;
    private final Runnable inputEnded;
    private final LinkedBlockingDeque<Barrier> barriers = new LinkedBlockingDeque<>();
    private final ConcurrentLinkedQueue<List<dev.floe.engine.spi.sink.SourcePartition>> newPartitions =
            new ConcurrentLinkedQueue<>();
    private final AtomicLong rejected = new AtomicLong();
    private final PipelineMetrics metrics;
    private final SubtaskMetrics counters;

    /** Counted on the subtask's thread and published once per poll: no atomic operation per record. */
    private long recordsCounted;

    private long bytesCounted;
    private long rowsEmitted;
    private long maxTimestamp = Long.MIN_VALUE;
    private long publishedRecords;
    private long publishedBytes;
    private long publishedRows;
    private long lagPublishedAt;
    /** The record being handled, valid during {@link #onRecord}: what operators and the output see. */
    private SourceRecord current;

    private volatile long recordsIn;
    private SkipFilter skip;
    private List<DeadLetter> deadLetters = new ArrayList<>();
    private boolean ended;
    private volatile boolean paused;
    private volatile boolean held;
    /** Whether the reader is paused for a hold: from then on nothing more is read. */
    private volatile boolean holding;

    private volatile boolean stopped;

    /** What a subtask reports when it cannot go on. */
    @FunctionalInterface
    interface PipelineFailure {
        void fail(Throwable cause);
    }

    /**
     * @param output where rows go after the stateless operators
     * @param eventTime tracks event time for the keyed stage, or null without one
     * @param endOffsets where a bounded run stops reading, or null to read for ever
     * @param inputEnded called once when a bounded run has read everything
     * @param metrics the pipeline's metrics, where this subtask publishes its counts once per poll
     */
    SourceSubtask(
            String pipelineId,
            int index,
            int parallelism,
            KafkaSourceReader reader,
            ConfluentAvroDecoder decoder,
            List<Operator> operators,
            SubtaskOutput output,
            CheckpointCoordinator coordinator,
            Listeners listeners,
            Clock clock,
            EngineOptions.OnError onError,
            SkipFilter skip,
            SourceEventTime eventTime,
            SourceOffsets endOffsets,
            Runnable inputEnded,
            PipelineFailure failure,
            PipelineMetrics metrics) {
        this.pipelineId = pipelineId;
        this.index = index;
        this.parallelism = parallelism;
        this.reader = reader;
        this.decoder = decoder;
        this.output = output;
        this.operators = List.copyOf(operators);
        this.head = dev.floe.engine.dataflow.OperatorChain.of(operators, this::emit);
        this.coordinator = coordinator;
        this.listeners = listeners;
        this.clock = clock;
        this.onError = onError;
        this.skip = skip;
        this.eventTime = eventTime;
        this.endOffsets = endOffsets;
        this.ends = endOffsets == null ? null : OffsetTable.of(endOffsets);
        this.inputEnded = inputEnded;
        this.failure = failure;
        this.metrics = metrics;
        this.counters = metrics.source(index);
        this.registryRetry = RetryPolicy.<Row>builder()
                .handle(RetriableException.class)
                .withMaxRetries(-1)
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(30))
                .withJitter(0.25)
                .abortIf((result, error) -> stopped)
                .onRetry(event -> LOG.warn(
                        "Pipeline {} subtask {} waits for the schema registry (attempt {}): {}",
                        pipelineId,
                        index,
                        event.getAttemptCount(),
                        event.getLastException().getMessage()))
                .build();
    }

    /** Queues barrier {@code checkpointId}; the subtask takes it between polls. */
    void injectBarrier(long checkpointId, boolean finalBarrier) {
        barriers.add(new Barrier(checkpointId, finalBarrier));
    }

    /** Partitions found while running; the subtask takes them between polls. */
    void addPartitions(List<dev.floe.engine.spi.sink.SourcePartition> partitions) {
        newPartitions.add(List.copyOf(partitions));
    }

    void pause(boolean pause) {
        this.paused = pause;
    }

    /** Whether a hold took effect: the reader is paused and reads nothing more. */
    boolean holding() {
        return holding;
    }

    /** Holds the sources on an operator's request, apart from the coordinator's pauses. */
    void hold(boolean hold) {
        this.held = hold;
    }

    /** Stops without a checkpoint: what was not checkpointed is read again on the next start. */
    void stop() {
        stopped = true;
        reader.wakeup();
    }

    long recordsIn() {
        return recordsIn;
    }

    long rejected() {
        return rejected.get();
    }

    @Override
    public void run() {
        try {
            OperatorContext context = new Context();
            for (Operator operator : operators) {
                operator.open(context);
            }
            while (!stopped) {
                for (Barrier barrier = barriers.poll(); barrier != null; barrier = barriers.poll()) {
                    acknowledge(barrier);
                    if (barrier.finalBarrier) {
                        return;
                    }
                }
                for (List<dev.floe.engine.spi.sink.SourcePartition> added = newPartitions.poll();
                        added != null;
                        added = newPartitions.poll()) {
                    reader.addPartitions(added);
                }
                if (!reader.hasPartitions()) {
                    // nothing to read: wait for the next barrier instead
                    Barrier next = barriers.pollFirst(POLL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    if (next != null) {
                        barriers.addFirst(next);
                    }
                    advanceEventTime();
                    if (endOffsets != null && !ended) {
                        ended = true;
                        output.endOfInput();
                        inputEnded.run();
                    }
                    continue;
                }
                boolean hold = held;
                if (paused || hold || ended) {
                    reader.pause();
                } else {
                    reader.resume();
                }
                holding = hold;
                reader.poll(POLL_TIMEOUT, this::onRecord);
                recordsIn = recordsCounted;
                advanceEventTime();
                publishCounts();
                if (endOffsets != null && !ended && reader.positions().covers(endOffsets)) {
                    ended = true;
                    output.endOfInput();
                    inputEnded.run();
                }
            }
        } catch (CancellationException e) {
            // the pipeline is stopping and closed the exchange this subtask was waiting on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            if (!stopped) {
                failure.fail(e);
            }
        } finally {
            for (Operator operator : operators) {
                operator.close();
            }
            output.close();
            reader.close();
        }
    }

    /** Publishes what was counted since the last poll: one store per counter per poll, not per record. */
    private void publishCounts() {
        counters.recordsIn().add(recordsCounted - publishedRecords);
        publishedRecords = recordsCounted;
        counters.bytesIn().add(bytesCounted - publishedBytes);
        publishedBytes = bytesCounted;
        counters.recordsOut().add(rowsEmitted - publishedRows);
        publishedRows = rowsEmitted;
        long watermark = eventTime != null ? eventTime.watermark() : maxTimestamp;
        if (watermark != Long.MIN_VALUE) {
            counters.watermark(watermark);
        }
        long now = clock.millis();
        if (now - lagPublishedAt >= LAG_PUBLISH_MILLIS) {
            lagPublishedAt = now;
            counters.lag(reader.lag());
        }
    }

    private void advanceEventTime() {
        if (eventTime == null) {
            return;
        }
        WatermarkTracker.Change change = eventTime.update(clock.millis());
        if (change == WatermarkTracker.Change.ADVANCED) {
            output.watermark(eventTime.watermark());
        } else if (change == WatermarkTracker.Change.IDLE) {
            output.idle();
        }
    }

    /** The subtask's event-time watermark, epoch milliseconds; {@link Long#MIN_VALUE} without one. */
    long watermark() {
        return eventTime == null ? Long.MIN_VALUE : eventTime.watermark();
    }

    private void onRecord(SourceRecord record) {
        recordsCounted++;
        java.nio.ByteBuffer key = record.key();
        java.nio.ByteBuffer value = record.value();
        bytesCounted += (key == null ? 0 : key.remaining()) + (value == null ? 0 : value.remaining());
        if (record.timestamp() > maxTimestamp) {
            maxTimestamp = record.timestamp();
        }
        if (ends != null && record.offset() >= ends.get(record.topic(), record.partition(), Long.MAX_VALUE)) {
            // past the end a bounded run was asked to read
            return;
        }
        if (eventTime != null) {
            eventTime.onRecord(record.topic(), record.partition(), record.timestamp());
        }
        boolean inTable = skip != null && skip.inTable(record.topic(), record.partition(), record.offset());
        Row row;
        try {
            row = decode(record);
            row.setOrigin(record.topic(), record.partition(), record.offset());
        } catch (BadRecordException e) {
            reject(record, "decode", e);
            return;
        }
        if (inTable) {
            return;
        }
        current = record;
        if (value == null) {
            // a tombstone the decoder made a delete of its key: transforms apply to values, so the
            // key goes to the sink as it is (docs/iceberg-sink.md, "Change events and tombstones")
            try {
                emit(row);
            } catch (BadRecordException e) {
                // a key the table's cannot be taken from
                reject(record, "sink", e);
            } finally {
                current = null;
            }
            return;
        }
        try {
            head.collect(row);
        } catch (BadRecordException e) {
            reject(record, e.stage() == null ? "transform" : e.stage(), e);
        } finally {
            current = null;
        }
    }

    private void emit(Row row) {
        rowsEmitted++;
        if (eventTime != null) {
            eventTime.onRow(current.topic(), current.partition(), row);
        }
        output.emit(row, current);
    }

    private Row decode(SourceRecord record) {
        try {
            return decoder.decode(record.key(), record.value());
        } catch (RetriableException e) {
            // the registry is away: wait for it rather than drop or dead-letter the record
            return Failsafe.with(registryRetry).get(() -> decoder.decode(record.key(), record.value()));
        }
    }

    private void reject(SourceRecord record, String stage, BadRecordException e) {
        String location = record.topic() + "-" + record.partition() + "@" + record.offset();
        if (onError == EngineOptions.OnError.FAIL) {
            throw new FatalException(
                    EngineErrorCode.RECORD_REJECTED,
                    "Cannot ingest the record at " + location + " in pipeline " + pipelineId + ": " + e.getMessage()
                            + " (onError: fail)",
                    e);
        }
        if (skip != null && skip.deadLettered(record.topic(), record.partition(), record.offset())) {
            return;
        }
        long count = rejected.incrementAndGet();
        metrics.rejected(e.code().name(), e.getMessage(), location);
        if (count <= LOGGED_REJECTIONS) {
            LOG.warn(
                    "Pipeline {} dead-letters the record at {}: {} {}{}",
                    pipelineId,
                    location,
                    e.code().name(),
                    e.getMessage(),
                    count == LOGGED_REJECTIONS ? " (subtask " + index + " logs no more; all are counted)" : "");
        }
        deadLetters.add(record.toDeadLetter(stage, e.code().name(), e.getMessage(), clock.instant()));
    }

    private void acknowledge(Barrier barrier) {
        listeners.notify(pipelineId, CheckpointPhase.BARRIER_RECEIVED, barrier.checkpointId, index);
        SourceOffsets offsets = endOffsets == null ? reader.positions() : atMostEnds(reader.positions());
        WriteResult result = output.barrier(barrier.checkpointId, barrier.finalBarrier);
        List<DeadLetter> letters = deadLetters;
        deadLetters = new ArrayList<>();
        listeners.notify(pipelineId, CheckpointPhase.SUBTASK_PREPARED, barrier.checkpointId, index);
        coordinator.acknowledge(new Acknowledgement(barrier.checkpointId, index, offsets, result, letters, null));
    }

    /**
     * Positions no further than a bounded run's ends: a poll may fetch records past the end, which
     * are dropped, and a checkpoint must not claim offsets that were not ingested (their lineage
     * would cover what the table does not hold).
     */
    private SourceOffsets atMostEnds(SourceOffsets positions) {
        Map<SourcePartition, Long> clamped = new HashMap<>();
        positions
                .asMap()
                .forEach((partition, position) -> clamped.put(
                        partition,
                        Math.min(position, ends.get(partition.topic(), partition.partition(), Long.MAX_VALUE))));
        return SourceOffsets.of(clamped);
    }

    private record Barrier(long checkpointId, boolean finalBarrier) {}

    /** What the stateless operators see of their subtask and of the record being handled. */
    private final class Context implements OperatorContext {
        @Override
        public String pipelineId() {
            return pipelineId;
        }

        @Override
        public int subtask() {
            return index;
        }

        @Override
        public int parallelism() {
            return parallelism;
        }

        @Override
        public RecordMetadata currentRecord() {
            return current;
        }
    }
}
