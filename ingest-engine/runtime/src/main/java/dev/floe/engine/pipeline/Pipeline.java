package dev.floe.engine.pipeline;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.api.PipelineDefinition;
import dev.floe.engine.checkpoint.CheckpointCoordinator;
import dev.floe.engine.checkpoint.CheckpointStorage;
import dev.floe.engine.checkpoint.CommitSequence;
import dev.floe.engine.checkpoint.Listeners;
import dev.floe.engine.checkpoint.Savepoint;
import dev.floe.engine.checkpoint.SavepointWriter;
import dev.floe.engine.checkpoint.StoredCheckpoint;
import dev.floe.engine.config.CheckpointLocation;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.dataflow.Exchange;
import dev.floe.engine.dataflow.KeyGroupRange;
import dev.floe.engine.dataflow.KeyGroups;
import dev.floe.engine.dataflow.KeyedSubtask;
import dev.floe.engine.dataflow.OperatorChain;
import dev.floe.engine.deadletter.KafkaDeadLetterPublisher;
import dev.floe.engine.format.ConfluentAvroDecoder;
import dev.floe.engine.metrics.PipelineMetrics;
import dev.floe.engine.metrics.SubtaskCounter;
import dev.floe.engine.source.GroupOffsets;
import dev.floe.engine.source.KafkaSourceReader;
import dev.floe.engine.source.PartitionDiscovery;
import dev.floe.engine.spi.deadletter.DeadLetterDelivery;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.Sink;
import dev.floe.engine.spi.sink.SinkContext;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.engine.state.KeyedStateBackend;
import dev.floe.engine.state.KeyedStateBackends;
import dev.floe.engine.state.RocksDbStats;
import dev.floe.engine.state.StateMemory;
import dev.floe.engine.time.SourceEventTime;
import dev.floe.registry.CachingSchemaRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running topic-to-table mapping: its subtasks, its checkpoint coordinator and its
 * destinations. Owns every resource it opens and closes them in reverse order.
 *
 * <pre>
 * CREATED -> STARTING -> RUNNING -> STOPPING -> STOPPED
 *               |           |           |
 *               +-----------+-----------+--> FAILED
 * </pre>
 */
public final class Pipeline implements CheckpointCoordinator.Pipeline, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    /** Rows per batch across the keyBy exchange, and batches a channel holds before its producer waits. */
    private static final int EXCHANGE_BATCH = 1024;

    private static final int EXCHANGE_CAPACITY = 4;

    /** A pipeline's lifecycle. */
    public enum State {
        CREATED,
        STARTING,
        RUNNING,
        STOPPING,
        STOPPED,
        FAILED;

        boolean canBecome(State next) {
            switch (this) {
                case CREATED:
                    return next == STARTING || next == FAILED;
                case STARTING:
                    return next == RUNNING || next == FAILED || next == STOPPING;
                case RUNNING:
                    return next == STOPPING || next == FAILED;
                case STOPPING:
                    return next == STOPPED || next == FAILED;
                default:
                    return false;
            }
        }
    }

    private final PipelineDefinition definition;
    private final FloeConfig global;
    private final RunMode mode;
    private final CachingSchemaRegistry registry;
    private final Clock clock;
    private final Listeners listeners;
    private final PipelineMetrics metrics;
    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
    private final CompletableFuture<State> terminated = new CompletableFuture<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<SourceSubtask> subtasks = new ArrayList<>();
    private final List<KeyedSubtask> keyedSubtasks = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger sourcesEnded = new AtomicInteger();
    private volatile Exchange exchange;
    private ExecutorService uploads;
    private volatile KeyedStateBackends stateBackends;
    private volatile Throwable failureCause;
    private volatile CheckpointCoordinator coordinator;
    private volatile boolean held;
    private final SavepointStart savepointStart;

    /**
     * @param metrics where the pipeline counts; shared by its restarts
     * @param savepointStart the savepoint to start from, or null
     */
    public Pipeline(
            PipelineDefinition definition,
            FloeConfig global,
            CachingSchemaRegistry registry,
            Clock clock,
            Listeners listeners,
            RunMode mode,
            PipelineMetrics metrics,
            SavepointStart savepointStart) {
        this.definition = definition;
        this.savepointStart = savepointStart;
        this.metrics = metrics;
        this.global = global;
        this.mode = mode;
        this.registry = registry;
        this.clock = clock;
        this.listeners = listeners;
    }

    public String id() {
        return definition.id();
    }

    public State state() {
        return state.get();
    }

    /** Why the pipeline failed, or null. */
    public Throwable failureCause() {
        return failureCause;
    }

    /** Completes with the final state once the pipeline stopped or failed. */
    public CompletableFuture<State> terminated() {
        return terminated;
    }

    public PipelineDefinition definition() {
        return definition;
    }

    /** Records read by every subtask so far. */
    public long recordsIn() {
        return subtasks.stream().mapToLong(SourceSubtask::recordsIn).sum();
    }

    /** Batches and markers queued in the keyBy exchange now; 0 without one. */
    public int exchangeQueued() {
        Exchange current = exchange;
        return current == null ? 0 : current.queued();
    }

    /** What the keyBy exchange holds at most before its producers wait; 0 without one. */
    public int exchangeCapacity() {
        Exchange current = exchange;
        return current == null ? 0 : current.capacity();
    }

    /** Time the sources spent waiting for a full exchange: the pipeline's backpressure. */
    public Duration backpressure() {
        Exchange current = exchange;
        return Duration.ofNanos(current == null ? 0 : current.backpressureNanos());
    }

    public PipelineMetrics metrics() {
        return metrics;
    }

    /**
     * Holds the sources (an operator's pause) or lets them go on. Checkpoints go on while they
     * are held; what was read is committed.
     */
    public void hold(boolean hold) {
        held = hold;
        for (SourceSubtask subtask : subtasks) {
            subtask.hold(hold);
        }
    }

    /** Whether every source subtask stopped reading for a hold. */
    public boolean sourcesHeld() {
        return held && !subtasks.isEmpty() && subtasks.stream().allMatch(SourceSubtask::holding);
    }

    /**
     * Takes a checkpoint now; completes with its id (or that of the one in flight).
     *
     * @throws IllegalStateException when the pipeline is not running
     */
    public CompletableFuture<Long> triggerCheckpoint() {
        CheckpointCoordinator current = coordinator;
        if (current == null || state.get() != State.RUNNING) {
            throw new IllegalStateException(
                    "Cannot trigger a checkpoint of pipeline " + definition.id() + ": it is " + state.get());
        }
        return current.triggerCheckpoint();
    }

    /**
     * Takes a savepoint into {@code directory}; completes once its checkpoint is committed and
     * copied there.
     *
     * @throws IllegalStateException when the pipeline is not running
     */
    public CompletableFuture<CheckpointCoordinator.TakenSavepoint> savepoint(CheckpointLocation directory) {
        CheckpointCoordinator current = coordinator;
        if (current == null || state.get() != State.RUNNING) {
            throw new IllegalStateException(
                    "Cannot take a savepoint of pipeline " + definition.id() + ": it is " + state.get());
        }
        return current.triggerSavepoint(savepointWriter(directory));
    }

    /**
     * Stops after a final checkpoint which, once committed, is written as a savepoint into {@code
     * directory}. The future completes once the pipeline stopped.
     *
     * @throws IllegalStateException when the pipeline is not running
     */
    public CompletableFuture<CheckpointCoordinator.TakenSavepoint> stopWithSavepoint(
            CheckpointLocation directory, Duration timeout) {
        if (!state.compareAndSet(State.RUNNING, State.STOPPING)) {
            throw new IllegalStateException(
                    "Cannot stop pipeline " + definition.id() + " with a savepoint: it is " + state.get());
        }
        LOG.info("Pipeline {}: RUNNING -> STOPPING, with a savepoint into {}", definition.id(), directory.describe());
        CompletableFuture<CheckpointCoordinator.TakenSavepoint> result = new CompletableFuture<>();
        coordinator
                .stopWithSavepoint(savepointWriter(directory))
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                // not on the coordinator's thread, which shutting down waits for
                .whenCompleteAsync(
                        (taken, error) -> {
                            if (error != null) {
                                LOG.warn(
                                        "Pipeline {} stops without a savepoint: {}",
                                        definition.id(),
                                        error instanceof TimeoutException
                                                ? "not taken within " + timeout
                                                : error.getMessage());
                            }
                            shutDown();
                            boolean stopped = transition(State.STOPPED);
                            // the caller hears of the savepoint before the process may end for the stop
                            if (error != null) {
                                result.completeExceptionally(error);
                            } else {
                                result.complete(taken);
                            }
                            if (stopped) {
                                terminated.complete(State.STOPPED);
                            }
                        },
                        runnable -> {
                            Thread thread = new Thread(runnable, "floe-" + definition.id() + "-stop");
                            thread.setDaemon(true);
                            thread.start();
                        });
        return result;
    }

    private SavepointWriter savepointWriter(CheckpointLocation directory) {
        return new SavepointWriter(directory, definition.keyedStage(), definition.parallelism(), clock);
    }

    /** Records dead-lettered so far, by the source subtasks and by the keyed stage (late records). */
    public long rejected() {
        return subtasks.stream().mapToLong(SourceSubtask::rejected).sum()
                + keyedSubtasks.stream().mapToLong(KeyedSubtask::rejected).sum();
    }

    /**
     * The pipeline's event-time watermark, epoch milliseconds: the smallest over its keyed subtasks
     * (what their windows and timers have seen); {@link Long#MIN_VALUE} before any, or without a
     * keyed stage.
     */
    public long watermark() {
        return keyedSubtasks.stream().mapToLong(KeyedSubtask::watermark).min().orElse(Long.MIN_VALUE);
    }

    /** The watermark of each source subtask, epoch milliseconds, as they last computed it. */
    public List<Long> sourceWatermarks() {
        return subtasks.stream().map(SourceSubtask::watermark).toList();
    }

    /** The newest checkpoint committed to every destination. */
    public long completedCheckpoint() {
        CheckpointCoordinator current = coordinator;
        if (current == null) {
            return 0;
        }
        try {
            return current.completedCheckpoint().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (ExecutionException | TimeoutException e) {
            return 0;
        }
    }

    /** The native memory the keyed state uses now; {@link StateMemory#NONE} without RocksDB state. */
    public StateMemory keyedStateMemory() {
        KeyedStateBackends backends = stateBackends;
        return backends == null ? StateMemory.NONE : backends.memory();
    }

    /** The RocksDB state's figures now; {@link RocksDbStats#NONE} without RocksDB state. */
    public RocksDbStats rocksDbStats() {
        KeyedStateBackends backends = stateBackends;
        return backends == null ? RocksDbStats.NONE : backends.rocksDbStats();
    }

    /** Connects to every destination, decides where to start, and starts the subtasks. */
    public void start() {
        transition(State.STARTING);
        try {
            startResources();
        } catch (RuntimeException | Error e) {
            fail(e);
            throw e;
        }
        transition(State.RUNNING);
    }

    private void startResources() {
        Map<String, String> consumer = consumerProperties();
        Map<String, String> admin = clientProperties();
        Sink sink = definition.sink().open(new SinkContext(definition.id(), definition.parallelism(), metrics, clock));
        resources.add(sink);
        LOG.info(
                "Pipeline {} reads {} into {}",
                definition.id(),
                definition.source().topics(),
                definition.sink().describe());

        PartitionDiscovery discovery = new PartitionDiscovery(admin, KAFKA_TIMEOUT);
        resources.add(discovery);
        List<SourcePartition> partitions = untilAvailable(
                "find the partitions of " + definition.source().describe(),
                () -> discovery.partitions(definition.source()));

        CheckpointStorage storage = CheckpointStorage.open(global.checkpoints().storage(), definition.id());
        resources.add(storage);
        GroupOffsets groups = new GroupOffsets(admin, KAFKA_TIMEOUT);
        resources.add(groups);
        DeadLetterDelivery deadLetters = deadLetters(sink, admin, groups);

        Optional<StoredCheckpoint> latest = storage.latest();
        Optional<CommittedPosition> committed =
                untilAvailable("read what " + definition.sink().describe() + " holds", sink::committed);
        SourceOffsets delivered = untilAvailable("read the dead-letter marker", deadLetters::delivered);
        java.util.function.Supplier<SourceOffsets> groupOffsets = () -> untilAvailable(
                "read the offsets of group " + definition.source().groupId(),
                () -> groups.read(definition.source().groupId()));
        Savepoint savepoint = savepointToRestore(latest);
        CheckpointStorage stateStorage = storage;
        StartPlan plan;
        if (savepoint != null) {
            SavepointRestore restore = SavepointRestore.plan(
                    definition, savepoint, partitions, latest, committed, delivered, groupOffsets);
            plan = restore.plan();
            if (plan.recovered() != null) {
                stateStorage = savepoint.location().open();
                resources.add(stateStorage);
            }
            LOG.info("Pipeline {} {}", definition.id(), restore.describe());
        } else {
            plan = StartPlan.of(partitions, latest, committed, delivered, definition.source(), groupOffsets);
        }
        if (plan.recovered() != null) {
            sink.committer()
                    .restore(
                            info(plan.recovered()), plan.recovered().sinkState().bytes());
        }
        if (savepoint != null) {
            // logged with the restore's plan
        } else if (plan.recovered() != null) {
            LOG.info(
                    "Pipeline {} resumes from checkpoint {} in {}",
                    definition.id(),
                    plan.recovered().checkpointId(),
                    storage.describe());
        } else {
            LOG.info(
                    "Pipeline {} has no checkpoint in {}; {}",
                    definition.id(),
                    storage.describe(),
                    committed
                            .map(position -> "resuming from checkpoint " + position.checkpointId() + " committed in "
                                    + definition.sink().describe())
                            .orElse("starting from the "
                                    + definition.source().startFrom().name().toLowerCase() + " offsets"));
        }

        int parallelism = definition.parallelism();
        List<KafkaSourceReader> readers = new ArrayList<>();
        List<List<SourcePartition>> assignments = new ArrayList<>();
        Map<SourcePartition, Long> start = new HashMap<>();
        List<SourceOffsets> ends = new ArrayList<>();
        for (int i = 0; i < parallelism; i++) {
            List<SourcePartition> assigned = PartitionDiscovery.assign(partitions, i, parallelism);
            assignments.add(assigned);
            KafkaSourceReader reader = new KafkaSourceReader(consumer, assigned, "floe-" + definition.id() + "-" + i);
            resources.add(reader);
            reader.seek(plan.seek(), plan.initial());
            start.putAll(reader.positions().asMap());
            if (mode == RunMode.UNTIL_END) {
                ends.add(reader.hasPartitions() ? stopAt(reader.endOffsets()) : SourceOffsets.empty());
            }
            readers.add(reader);
        }
        if (mode == RunMode.UNTIL_END) {
            LOG.info("Pipeline {} reads until {}", definition.id(), ends);
        }

        CommitSequence commits = new CommitSequence(
                definition.id(),
                storage,
                sink.committer(),
                deadLetters,
                groups,
                definition.source().groupId(),
                listeners,
                delivered);
        boolean keyed = definition.isKeyed();
        coordinator = new CheckpointCoordinator(
                definition.id(),
                global.checkpoints(),
                storage,
                sink.committer(),
                commits,
                listeners,
                clock,
                this,
                keyed ? 2 * parallelism : parallelism,
                definition.maxParallelism(),
                SourceOffsets.of(start),
                plan.nextCheckpointId(),
                plan.recovered(),
                metrics);
        if (keyed) {
            exchange = new Exchange(
                    parallelism, parallelism, definition.maxParallelism(), EXCHANGE_BATCH, EXCHANGE_CAPACITY);
            uploads = Executors.newFixedThreadPool(2, runnable -> {
                Thread thread = new Thread(runnable, "floe-" + definition.id() + "-uploads");
                thread.setDaemon(true);
                return thread;
            });
            startKeyedSubtasks(sink, storage, stateStorage, plan);
        }
        RowTypes rowTypes = new RowTypes();
        // a keyed stage holds rows, not changes of a key: tombstones stay bad records there
        ConfluentAvroDecoder.Tombstones tombstones = definition.sink().appliesDeletes() && !keyed
                ? ConfluentAvroDecoder.Tombstones.DELETE
                : ConfluentAvroDecoder.Tombstones.REJECT;
        for (int i = 0; i < parallelism; i++) {
            SubtaskOutput output = keyed
                    ? new SubtaskOutput.ToExchange(exchange.output(i, definition.keyBy()))
                    : new SubtaskOutput.ToSink(sink, sink.createWriter(i), definition.writesDecodedRows());
            SourceSubtask subtask = new SourceSubtask(
                    definition.id(),
                    i,
                    parallelism,
                    readers.get(i),
                    new ConfluentAvroDecoder(
                            registry,
                            definition.writesDecodedRows() ? sink::rowType : rowTypes::of,
                            definition.source().format(),
                            tombstones),
                    definition.newOperators(),
                    output,
                    coordinator,
                    listeners,
                    clock,
                    definition.onError(),
                    plan.skip(),
                    keyed ? new SourceEventTime(definition.eventTime(), assignments.get(i), clock.millis()) : null,
                    mode == RunMode.UNTIL_END ? ends.get(i) : null,
                    this::sourceEnded,
                    this::fail,
                    metrics);
            subtask.hold(held);
            subtasks.add(subtask);
            Thread thread = new Thread(subtask, "floe-" + definition.id() + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        // the readers now belong to their subtasks, which close them
        resources.removeAll(readers);
        threads.forEach(Thread::start);
        coordinator.start();
        if (mode == RunMode.CONTINUOUS) {
            startDiscovery(discovery, partitions);
        }
    }

    /** Where a bounded run stops: the end at start, or the source's stop offset where that is before it. */
    private SourceOffsets stopAt(SourceOffsets endAtStart) {
        SourceOffsets stop = definition.source().stopOffsets();
        if (stop.isEmpty()) {
            return endAtStart;
        }
        Map<SourcePartition, Long> ends = new HashMap<>(endAtStart.asMap());
        stop.asMap()
                .forEach((partition, offset) -> ends.computeIfPresent(partition, (p, end) -> Math.min(end, offset)));
        return SourceOffsets.of(ends);
    }

    /**
     * The savepoint this start restores: on the first start the one asked for; on a restart, the
     * same unless a newer checkpoint was stored since.
     */
    private Savepoint savepointToRestore(Optional<StoredCheckpoint> latest) {
        if (savepointStart == null) {
            return null;
        }
        Savepoint savepoint = savepointStart.savepoint();
        if (!savepointStart.claimFirstStart()
                && latest.isPresent()
                && latest.get().checkpointId() > savepoint.checkpoint().checkpointId()) {
            return null;
        }
        return savepoint;
    }

    /** @param stateStorage where the recovered checkpoint's state files are: checkpoint storage or a savepoint */
    private void startKeyedSubtasks(
            Sink sink, CheckpointStorage storage, CheckpointStorage stateStorage, StartPlan plan) {
        StoredCheckpoint recovered = plan.recovered();
        if (recovered != null
                && !recovered.keyedState().isEmpty()
                && recovered.maxParallelism() != definition.maxParallelism()) {
            throw new FatalException(
                    EngineErrorCode.CHECKPOINT_CORRUPT,
                    "Cannot restore pipeline " + definition.id() + " from checkpoint " + recovered.checkpointId()
                            + ": its state is divided into " + recovered.maxParallelism() + " key groups, and the"
                            + " pipeline now has " + definition.maxParallelism() + "; the max parallelism of a"
                            + " pipeline with state cannot change");
        }
        int parallelism = definition.parallelism();
        // closed after the subtasks' threads ended, each of which closes its own backend
        stateBackends = KeyedStateBackends.open(definition.id(), definition.state(), clock, uploads);
        resources.add(stateBackends);
        if (definition.state().backend() == dev.floe.engine.config.StateConfig.Backend.ROCKSDB) {
            LOG.info(
                    "Pipeline {} keeps its keyed state in RocksDB under {}, within {} of native memory",
                    definition.id(),
                    definition.state().directory(),
                    definition.state().memory());
        } else {
            LOG.info("Pipeline {} keeps its keyed state on the Java heap", definition.id());
        }
        for (int k = 0; k < parallelism; k++) {
            KeyGroupRange range = KeyGroups.range(k, definition.maxParallelism(), parallelism);
            KeyedStateBackend backend = stateBackends.create(k, range);
            if (recovered != null) {
                backend.restore(recovered.keyedState(), stateStorage);
            }
            SubtaskOutput.ToSink toSink = new SubtaskOutput.ToSink(sink, sink.createWriter(parallelism + k), false);
            SubtaskCounter rowsOut = metrics.keyed(k).recordsOut();
            KeyedSubtask.Output output = new KeyedSubtask.Output() {
                @Override
                public void collect(dev.floe.engine.spi.row.Row row) {
                    rowsOut.increment();
                    toSink.emit(row);
                }

                @Override
                public dev.floe.engine.spi.sink.WriteResult barrier(long checkpointId) {
                    return toSink.barrier(checkpointId, false);
                }

                @Override
                public void close() {
                    toSink.close();
                }
            };
            KeyedSubtask subtask = KeyedSubtask.create(
                    definition.id(),
                    k,
                    parallelism + k,
                    parallelism,
                    exchange,
                    backend,
                    definition.newKeyedOperator(),
                    OperatorChain.of(definition.newOperatorsAfterKeyed(), output),
                    output,
                    storage,
                    coordinator,
                    listeners,
                    clock,
                    this::fail);
            keyedSubtasks.add(subtask);
            Thread thread = new Thread(subtask, "floe-" + definition.id() + "-keyed-" + k);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    /**
     * Looks for new partitions (and new topics of a pattern) on the source's interval and gives
     * each to the subtask with the fewest; they are read from their start.
     */
    private void startDiscovery(PartitionDiscovery discovery, List<SourcePartition> initial) {
        Set<SourcePartition> known = new HashSet<>(initial);
        int[] owned = new int[subtasks.size()];
        for (int i = 0; i < owned.length; i++) {
            owned[i] = PartitionDiscovery.assign(initial, i, owned.length).size();
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "floe-" + definition.id() + "-discovery");
            thread.setDaemon(true);
            return thread;
        });
        resources.add(scheduler::shutdownNow);
        long interval = definition.source().discoveryInterval().toMillis();
        scheduler.scheduleWithFixedDelay(
                () -> {
                    List<SourcePartition> found;
                    try {
                        found = discovery.partitions(definition.source());
                    } catch (RetriableException e) {
                        LOG.warn("Pipeline {} cannot look for new partitions now: {}", definition.id(), e.getMessage());
                        return;
                    }
                    Map<Integer, List<SourcePartition>> added = new HashMap<>();
                    for (SourcePartition partition : found) {
                        if (known.add(partition)) {
                            int target = 0;
                            for (int i = 1; i < owned.length; i++) {
                                if (owned[i] < owned[target]) {
                                    target = i;
                                }
                            }
                            owned[target]++;
                            added.computeIfAbsent(target, t -> new ArrayList<>())
                                    .add(partition);
                        }
                    }
                    added.forEach((target, partitions) -> {
                        LOG.info(
                                "Pipeline {} reads new partitions {} in subtask {}",
                                definition.id(),
                                partitions,
                                target);
                        subtasks.get(target).addPartitions(partitions);
                    });
                },
                interval,
                interval,
                TimeUnit.MILLISECONDS);
    }

    /** A source subtask of a bounded run read everything: after the last one, commit and stop. */
    private void sourceEnded() {
        if (sourcesEnded.incrementAndGet() == definition.parallelism()) {
            LOG.info("Pipeline {} read everything up to where its partitions ended at the start", definition.id());
            Thread stopper = new Thread(() -> stop(Duration.ofMinutes(10)), "floe-" + definition.id() + "-end");
            stopper.setDaemon(true);
            stopper.start();
        }
    }

    private dev.floe.engine.spi.sink.CheckpointInfo info(StoredCheckpoint checkpoint) {
        return new dev.floe.engine.spi.sink.CheckpointInfo(
                checkpoint.pipelineId(),
                checkpoint.checkpointId(),
                checkpoint.offsets(),
                checkpoint.startOffsets(),
                checkpoint.timestamp());
    }

    /** Retries {@code action} while its failure is retriable, logging each wait, until it succeeds. */
    /** The pipeline's dead-letter destination: a table of its sink, or a topic (created when missing). */
    private DeadLetterDelivery deadLetters(Sink sink, Map<String, String> admin, GroupOffsets groups) {
        Optional<String> table = definition.deadLetterTable();
        if (table.isPresent()) {
            DeadLetterDelivery delivery = untilAvailable(
                            "open dead-letter table " + table.get(), () -> sink.deadLetterTable(table.get()))
                    .orElseThrow(() -> new FatalException(
                            EngineErrorCode.DEAD_LETTER_FAILED,
                            "Cannot keep the dead letters of pipeline " + definition.id() + " in table " + table.get()
                                    + ": " + definition.sink().describe() + " keeps no dead-letter tables; set"
                                    + " deadLetter.topic instead"));
            LOG.info("Pipeline {} sends its dead letters to {}", definition.id(), delivery.describe());
            return delivery;
        }
        KafkaDeadLetterPublisher publisher = new KafkaDeadLetterPublisher(
                definition.id(),
                definition.deadLetterTopic(),
                definition.source().groupId() + ".dead-letters",
                producerProperties(),
                admin,
                groups,
                KAFKA_TIMEOUT);
        resources.add(publisher);
        untilAvailable("create dead-letter topic " + definition.deadLetterTopic(), () -> {
            publisher.ensureTopic();
            return null;
        });
        return publisher;
    }

    private <T> T untilAvailable(String what, java.util.function.Supplier<T> action) {
        RetryPolicy<T> policy = RetryPolicy.<T>builder()
                .handle(RetriableException.class)
                .withMaxRetries(-1)
                .withBackoff(Duration.ofMillis(250), Duration.ofSeconds(15))
                .abortIf((result, error) -> state.get() == State.FAILED || state.get() == State.STOPPING)
                .onRetry(event -> LOG.warn(
                        "Pipeline {} cannot {} yet (attempt {}): {}",
                        definition.id(),
                        what,
                        event.getAttemptCount(),
                        event.getLastException().getMessage()))
                .build();
        return Failsafe.with(policy).get(action::get);
    }

    private Map<String, String> clientProperties() {
        Map<String, String> properties = new HashMap<>(global.kafka().properties());
        properties.put("bootstrap.servers", global.kafka().bootstrapServers());
        return properties;
    }

    private Map<String, String> consumerProperties() {
        Map<String, String> properties = clientProperties();
        properties.putAll(global.kafka().consumer());
        properties.put("group.id", definition.source().groupId());
        return properties;
    }

    private Map<String, String> producerProperties() {
        Map<String, String> properties = clientProperties();
        properties.putAll(global.kafka().producer());
        return properties;
    }

    @Override
    public void injectBarrier(long checkpointId, boolean finalBarrier) {
        for (SourceSubtask subtask : subtasks) {
            subtask.injectBarrier(checkpointId, finalBarrier);
        }
    }

    @Override
    public void pauseSources(boolean paused) {
        for (SourceSubtask subtask : subtasks) {
            subtask.pause(paused);
        }
    }

    /**
     * Stops after a final checkpoint, so that everything read so far is committed.
     *
     * @return whether the final checkpoint was committed within {@code timeout}
     */
    public boolean stop(Duration timeout) {
        if (!state.compareAndSet(State.RUNNING, State.STOPPING)) {
            return state.get() == State.STOPPED;
        }
        LOG.info("Pipeline {}: RUNNING -> STOPPING", definition.id());
        boolean committed = false;
        try {
            coordinator.stopWithFinalCheckpoint().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            committed = true;
        } catch (ExecutionException e) {
            LOG.warn(
                    "Pipeline {} stops without its final checkpoint: {}",
                    definition.id(),
                    e.getCause().getMessage());
        } catch (TimeoutException e) {
            LOG.warn(
                    "Pipeline {} stops without its final checkpoint: not committed within {}",
                    definition.id(),
                    timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shutDown();
        if (transition(State.STOPPED)) {
            terminated.complete(State.STOPPED);
        }
        return committed;
    }

    /** The pipeline cannot go on: stop everything without cleaning up; the next start recovers. */
    @Override
    public void fail(Throwable cause) {
        State previous = state.getAndSet(State.FAILED);
        if (previous == State.FAILED || previous == State.STOPPED) {
            state.set(previous);
            return;
        }
        failureCause = cause;
        LOG.error("Pipeline {}: {} -> FAILED: {}", definition.id(), previous, cause.getMessage(), cause);
        // not on the failing thread: the coordinator or a subtask may be the one failing
        Thread shutdown = new Thread(
                () -> {
                    shutDown();
                    terminated.complete(State.FAILED);
                },
                "floe-" + definition.id() + "-shutdown");
        shutdown.setDaemon(true);
        shutdown.start();
    }

    private synchronized void shutDown() {
        for (SourceSubtask subtask : subtasks) {
            subtask.stop();
        }
        for (KeyedSubtask subtask : keyedSubtasks) {
            subtask.stop();
        }
        if (exchange != null) {
            exchange.close();
        }
        for (Thread thread : threads) {
            if (thread != Thread.currentThread()) {
                try {
                    thread.join(TimeUnit.SECONDS.toMillis(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (coordinator != null) {
            coordinator.close();
        }
        if (uploads != null) {
            uploads.shutdown();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("Cannot close {} of pipeline {}: {}", resources.get(i), definition.id(), e.toString());
            }
        }
        resources.clear();
    }

    private boolean transition(State next) {
        State current = state.get();
        while (current.canBecome(next)) {
            if (state.compareAndSet(current, next)) {
                LOG.info("Pipeline {}: {} -> {}", definition.id(), current, next);
                return true;
            }
            current = state.get();
        }
        if (current != next) {
            throw new IllegalStateException(
                    "Cannot move pipeline " + definition.id() + " from " + current + " to " + next);
        }
        return false;
    }

    @Override
    public void close() {
        State current = state.get();
        if (current == State.RUNNING) {
            stop(Duration.ofSeconds(60));
        } else if (current != State.STOPPED && current != State.FAILED) {
            fail(new IllegalStateException("closed while " + current));
        }
        terminated.join();
    }
}
