package dev.floe.engine.dataflow;

import dev.floe.engine.checkpoint.Acknowledgement;
import dev.floe.engine.checkpoint.CheckpointCoordinator;
import dev.floe.engine.checkpoint.CheckpointPhase;
import dev.floe.engine.checkpoint.CheckpointStorage;
import dev.floe.engine.checkpoint.Listeners;
import dev.floe.engine.source.SourceRecord;
import dev.floe.engine.spi.dataflow.Collector;
import dev.floe.engine.spi.dataflow.KeyedOperator;
import dev.floe.engine.spi.dataflow.KeyedOperatorContext;
import dev.floe.engine.spi.deadletter.DeadLetter;
import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.WriteResult;
import dev.floe.engine.spi.state.KeyedStateStore;
import dev.floe.engine.spi.state.TimerService;
import dev.floe.engine.state.KeyedStateBackend;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One keyed subtask: its input gate, the keyed operator with its state and timers, the operators
 * after it, and its output (the sink writer), on one thread.
 *
 * <p>Barriers are aligned: the first channel to deliver barrier N is blocked until every channel
 * delivered it, so the state snapshot holds exactly the rows before N. The snapshot's synchronous
 * part and the writer's pre-commit happen on this thread; the upload runs on the backend's upload
 * executor, and its completion sends the acknowledgement while processing goes on.
 *
 * <p>A row the keyed operator refuses with a {@link BadRecordException} (a record too late for its
 * window, say) becomes a dead letter of the record it came from, handed in with the next barrier
 * so that it is delivered in that checkpoint's transaction, exactly once.
 */
public final class KeyedSubtask implements Runnable {
    /** Where the keyed stage's rows go, and what it hands in at a barrier. */
    public interface Output extends Collector {
        WriteResult barrier(long checkpointId);

        void close();
    }

    private final String pipelineId;
    private final int index;
    private final int acknowledgerId;
    private final int parallelism;
    private final InputGate gate;
    private final KeyedStateBackend backend;
    private final KeyedOperator operator;
    private final Collector downstream;
    private final Output output;
    private final CheckpointStorage storage;
    private final CheckpointCoordinator coordinator;
    private final Listeners listeners;
    private final Clock clock;
    private final Consumer<Throwable> failure;

    private final long[] channelWatermarks;
    private final boolean[] ended;
    private final boolean[] idle;
    private final boolean[] aligned;
    private long aligning = -1;
    private int alignedChannels;
    private long watermark = Long.MIN_VALUE;
    private boolean inputEnded;
    private volatile boolean stopped;
    private volatile long recordsIn;
    private long recordsCounted;
    private volatile long rejected;
    private volatile long publishedWatermark = Long.MIN_VALUE;
    private List<DeadLetter> deadLetters = new ArrayList<>();

    /**
     * @param acknowledgerId this subtask's number among every subtask answering barriers
     * @param downstream the operators after the keyed one, ending in {@code output}
     */
    KeyedSubtask(
            String pipelineId,
            int index,
            int acknowledgerId,
            int parallelism,
            InputGate gate,
            KeyedStateBackend backend,
            KeyedOperator operator,
            Collector downstream,
            Output output,
            CheckpointStorage storage,
            CheckpointCoordinator coordinator,
            Listeners listeners,
            Clock clock,
            Consumer<Throwable> failure) {
        this.pipelineId = pipelineId;
        this.index = index;
        this.acknowledgerId = acknowledgerId;
        this.parallelism = parallelism;
        this.gate = gate;
        this.backend = backend;
        this.operator = operator;
        this.downstream = downstream;
        this.output = output;
        this.storage = storage;
        this.coordinator = coordinator;
        this.listeners = listeners;
        this.clock = clock;
        this.failure = failure;
        this.channelWatermarks = new long[gate.channels()];
        Arrays.fill(channelWatermarks, Long.MIN_VALUE);
        this.ended = new boolean[gate.channels()];
        this.idle = new boolean[gate.channels()];
        this.aligned = new boolean[gate.channels()];
    }

    /** Builds the keyed subtasks' gates' reader for {@code consumer} of {@code exchange}. */
    public static KeyedSubtask create(
            String pipelineId,
            int index,
            int acknowledgerId,
            int parallelism,
            Exchange exchange,
            KeyedStateBackend backend,
            KeyedOperator operator,
            Collector downstream,
            Output output,
            CheckpointStorage storage,
            CheckpointCoordinator coordinator,
            Listeners listeners,
            Clock clock,
            Consumer<Throwable> failure) {
        return new KeyedSubtask(
                pipelineId,
                index,
                acknowledgerId,
                parallelism,
                exchange.gate(index),
                backend,
                operator,
                downstream,
                output,
                storage,
                coordinator,
                listeners,
                clock,
                failure);
    }

    public void stop() {
        stopped = true;
    }

    public long recordsIn() {
        return recordsIn;
    }

    /** Records this subtask dead-lettered (refused by the keyed operator). */
    public long rejected() {
        return rejected;
    }

    /** The event-time watermark of this subtask, epoch milliseconds; {@link Long#MIN_VALUE} before any. */
    public long watermark() {
        return publishedWatermark;
    }

    @Override
    public void run() {
        try {
            operator.open(context());
            while (!stopped) {
                Element element = gate.take(50, TimeUnit.MILLISECONDS);
                backend.advanceProcessingTime(clock.millis(), time -> operator.onProcessingTime(time, downstream));
                if (element == null) {
                    continue;
                }
                if (element instanceof Element.Batch) {
                    process((Element.Batch) element);
                } else if (element instanceof Element.Barrier) {
                    if (onBarrier((Element.Barrier) element)) {
                        return;
                    }
                } else if (element instanceof Element.Watermark) {
                    onWatermark((Element.Watermark) element);
                } else if (element instanceof Element.Idle) {
                    idle[element.channel] = true;
                    advanceWatermark();
                } else {
                    onEndOfInput(element.channel);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            if (!stopped) {
                failure.accept(e);
            }
        } finally {
            operator.close();
            output.close();
            backend.close();
        }
    }

    private void process(Element.Batch batch) {
        for (int i = 0; i < batch.size; i++) {
            backend.setCurrentKey(batch.keys[i], batch.keyGroups[i]);
            try {
                operator.process(batch.rows[i], downstream);
            } catch (BadRecordException e) {
                reject(batch.origins[i], e);
            }
        }
        recordsCounted += batch.size;
        recordsIn = recordsCounted;
    }

    private void reject(SourceRecord origin, BadRecordException e) {
        if (origin == null) {
            // a row of no one record (an embedding program's): nothing to dead-letter it as
            throw e;
        }
        deadLetters.add(origin.toDeadLetter(
                e.stage() == null ? "keyed" : e.stage(), e.code().name(), e.getMessage(), clock.instant()));
        rejected = rejected + 1;
    }

    private void onWatermark(Element.Watermark element) {
        idle[element.channel] = false;
        channelWatermarks[element.channel] = Math.max(channelWatermarks[element.channel], element.time);
        advanceWatermark();
    }

    private void advanceWatermark() {
        long min = Long.MAX_VALUE;
        for (int channel = 0; channel < channelWatermarks.length; channel++) {
            if (!ended[channel] && !idle[channel]) {
                min = Math.min(min, channelWatermarks[channel]);
            }
        }
        if (min != Long.MAX_VALUE && min > watermark) {
            watermark = min;
            publishedWatermark = min;
            backend.advanceWatermark(min, time -> operator.onEventTime(time, downstream));
        }
    }

    private void onEndOfInput(int channel) {
        ended[channel] = true;
        for (boolean channelEnded : ended) {
            if (!channelEnded) {
                advanceWatermark();
                return;
            }
        }
        if (!inputEnded) {
            inputEnded = true;
            // a bounded run: every timer is due, then whatever the operator still holds
            watermark = Long.MAX_VALUE;
            backend.advanceWatermark(Long.MAX_VALUE, time -> operator.onEventTime(time, downstream));
            operator.endOfInput(downstream);
        }
    }

    /** Returns true when the barrier was final and the subtask is done. */
    private boolean onBarrier(Element.Barrier barrier) {
        if (barrier.checkpointId != aligning) {
            aligning = barrier.checkpointId;
            alignedChannels = 0;
            Arrays.fill(aligned, false);
        }
        if (!aligned[barrier.channel]) {
            aligned[barrier.channel] = true;
            alignedChannels++;
            gate.block(barrier.channel);
        }
        if (alignedChannels < aligned.length) {
            return false;
        }
        long checkpointId = barrier.checkpointId;
        listeners.notify(pipelineId, CheckpointPhase.BARRIER_RECEIVED, checkpointId, acknowledgerId);
        WriteResult result = output.barrier(checkpointId);
        List<DeadLetter> letters = deadLetters;
        deadLetters = new ArrayList<>();
        backend.snapshot(
                        checkpointId,
                        new NotifyingStorage(
                                storage,
                                () -> listeners.notify(
                                        pipelineId, CheckpointPhase.STATE_UPLOADING, checkpointId, acknowledgerId)))
                .whenComplete((handle, error) -> {
                    if (error != null) {
                        failure.accept(error);
                        return;
                    }
                    listeners.notify(pipelineId, CheckpointPhase.SUBTASK_PREPARED, checkpointId, acknowledgerId);
                    coordinator.acknowledge(new Acknowledgement(
                            checkpointId, acknowledgerId, SourceOffsets.empty(), result, letters, handle));
                });
        aligning = -1;
        gate.unblockAll();
        return barrier.finalBarrier;
    }

    /** Checkpoint storage that reports when a snapshot starts being written, once per snapshot. */
    private static final class NotifyingStorage implements CheckpointStorage {
        private final CheckpointStorage storage;
        private final Runnable beforeWrite;
        private final java.util.concurrent.atomic.AtomicBoolean writing =
                new java.util.concurrent.atomic.AtomicBoolean();

        NotifyingStorage(CheckpointStorage storage, Runnable beforeWrite) {
            this.storage = storage;
            this.beforeWrite = beforeWrite;
        }

        @Override
        public java.util.Optional<dev.floe.engine.checkpoint.StoredCheckpoint> latest() {
            return storage.latest();
        }

        @Override
        public void store(
                dev.floe.engine.checkpoint.StoredCheckpoint checkpoint, java.util.Map<String, byte[]> attachments) {
            storage.store(checkpoint, attachments);
        }

        @Override
        public byte[] read(String path) {
            return storage.read(path);
        }

        @Override
        public void write(String path, byte[] bytes) {
            startWriting();
            storage.write(path, bytes);
        }

        @Override
        public void writeFile(String path, java.nio.file.Path source) {
            startWriting();
            storage.writeFile(path, source);
        }

        private void startWriting() {
            if (writing.compareAndSet(false, true)) {
                beforeWrite.run();
            }
        }

        @Override
        public void readFile(String path, java.nio.file.Path target) {
            storage.readFile(path, target);
        }

        @Override
        public boolean exists(String path) {
            return storage.exists(path);
        }

        @Override
        public void delete(java.util.Collection<String> paths) {
            storage.delete(paths);
        }

        @Override
        public String attachmentPath(long checkpointId, String name) {
            return storage.attachmentPath(checkpointId, name);
        }

        @Override
        public void retain(int keep, java.util.Set<String> referenced) {
            storage.retain(keep, referenced);
        }

        @Override
        public String describe() {
            return storage.describe();
        }

        @Override
        public void close() {
            // the pipeline owns the storage
        }
    }

    private KeyedOperatorContext context() {
        return new KeyedOperatorContext() {
            @Override
            public KeyedStateStore state() {
                return backend;
            }

            @Override
            public TimerService timers() {
                return backend.timers();
            }

            @Override
            public byte[] currentKey() {
                return backend.currentKey();
            }

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
        };
    }
}
