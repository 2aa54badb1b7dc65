package dev.floe.engine.api;

import dev.floe.engine.config.EngineOptions;
import dev.floe.engine.config.PipelineConfig;
import dev.floe.engine.config.SourceConfig;
import dev.floe.engine.config.StateConfig;
import dev.floe.engine.dataflow.KeyGroups;
import dev.floe.engine.pipeline.RestartStrategy;
import dev.floe.engine.spi.dataflow.KeySelector;
import dev.floe.engine.spi.dataflow.KeyedOperator;
import dev.floe.engine.spi.dataflow.Operator;
import dev.floe.engine.spi.sink.SinkDefinition;
import dev.floe.engine.time.EventTimeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A pipeline as the engine runs it: {@code source -> decode -> operators -> [keyBy -> keyed
 * operator -> operators] -> sink}. The config file compiles to this; a program embedding Floe
 * builds one with {@link #builder(String)} and its own operators. Operators are given as factories:
 * each subtask gets its own instances.
 */
public final class PipelineDefinition {
    private final String id;
    private final SourceConfig source;
    private final int parallelism;
    private final EngineOptions.OnError onError;
    private final String deadLetterTopic;
    private final String deadLetterTable;
    private final SinkDefinition sink;
    private final List<Supplier<Operator>> operators;
    private final KeySelector keyBy;
    private final Supplier<KeyedOperator> keyedOperator;
    private final String keyedStage;
    private final List<Supplier<Operator>> afterKeyed;
    private final int maxParallelism;
    private final RestartStrategy restartStrategy;
    private final StateConfig state;
    private final EventTimeSpec eventTime;

    private PipelineDefinition(Builder builder) {
        this.id = Objects.requireNonNull(builder.id, "id");
        this.source = Objects.requireNonNull(builder.source, "source of pipeline " + builder.id);
        this.parallelism = builder.parallelism;
        this.onError = builder.onError;
        if (builder.deadLetterTopic != null && builder.deadLetterTable != null) {
            throw new IllegalArgumentException("Cannot define pipeline " + id + ": its dead letters go to a topic ("
                    + builder.deadLetterTopic + ") or a table (" + builder.deadLetterTable + "), not both");
        }
        this.deadLetterTopic = builder.deadLetterTopic == null ? id + ".dead-letters" : builder.deadLetterTopic;
        this.deadLetterTable = builder.deadLetterTable;
        this.sink = Objects.requireNonNull(builder.sink, "sink of pipeline " + builder.id);
        this.operators = List.copyOf(builder.operators);
        this.keyBy = builder.keyBy;
        this.keyedOperator = builder.keyedOperator;
        this.keyedStage = builder.keyedStage;
        this.afterKeyed = List.copyOf(builder.afterKeyed);
        this.maxParallelism = builder.maxParallelism;
        this.restartStrategy = builder.restartStrategy;
        this.state = builder.state;
        this.eventTime = builder.eventTime;
        if (parallelism < 1 || parallelism > maxParallelism) {
            throw new IllegalArgumentException("Cannot run pipeline " + id + " with parallelism " + parallelism
                    + ": it must be between 1 and the max parallelism " + maxParallelism);
        }
        if ((keyBy == null) != (keyedOperator == null)) {
            throw new IllegalArgumentException(
                    "Cannot define pipeline " + id + ": a keyBy needs a keyed operator and a keyed operator a keyBy");
        }
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    /**
     * The pipeline a config file describes, when it maps nothing (see {@link
     * dev.floe.engine.mapping.MappingCompiler} for one that does: it needs the records' schema).
     */
    public static PipelineDefinition of(PipelineConfig config) {
        if (!config.mapping().isEmpty()) {
            throw new IllegalArgumentException("Cannot define pipeline " + config.id()
                    + " without the records' schema: it has transforms, a deduplication or a window");
        }
        return builder(config).build();
    }

    /** A builder with the source, parallelism, error policy and sink of a configured pipeline. */
    public static Builder builder(PipelineConfig config) {
        return builder(config.id())
                .source(config.source())
                .parallelism(config.parallelism())
                .onError(config.onError())
                .deadLetterTopic(config.deadLetterTopic())
                .deadLetterTable(config.deadLetterTable())
                .sink(config.sink())
                .restartStrategy(config.restartStrategy())
                .state(config.state());
    }

    public String id() {
        return id;
    }

    public SourceConfig source() {
        return source;
    }

    public int parallelism() {
        return parallelism;
    }

    public EngineOptions.OnError onError() {
        return onError;
    }

    /** The sink's table for dead letters, or empty when they go to {@link #deadLetterTopic()}. */
    public Optional<String> deadLetterTable() {
        return Optional.ofNullable(deadLetterTable);
    }

    /** The topic for dead letters, unless {@link #deadLetterTable()} is set. */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    public SinkDefinition sink() {
        return sink;
    }

    /** New instances of the operators before the keyBy (or of all, without one). */
    public List<Operator> newOperators() {
        List<Operator> created = new ArrayList<>();
        operators.forEach(factory -> created.add(factory.get()));
        return created;
    }

    public boolean isKeyed() {
        return keyBy != null;
    }

    public KeySelector keyBy() {
        return keyBy;
    }

    public KeyedOperator newKeyedOperator() {
        return keyedOperator.get();
    }

    /**
     * What the keyed stage is, as far as its state is concerned ({@code none} without one): a
     * savepoint records it and a restore refuses state written by another keyed stage.
     */
    public String keyedStage() {
        if (keyedOperator == null) {
            return "none";
        }
        if (keyedStage != null) {
            return keyedStage;
        }
        try (KeyedOperator operator = keyedOperator.get()) {
            return operator.getClass().getName();
        }
    }

    /** New instances of the operators after the keyed operator. */
    public List<Operator> newOperatorsAfterKeyed() {
        List<Operator> created = new ArrayList<>();
        afterKeyed.forEach(factory -> created.add(factory.get()));
        return created;
    }

    public int maxParallelism() {
        return maxParallelism;
    }

    /** How the pipeline restarts after a failure that a restart can fix. */
    public RestartStrategy restartStrategy() {
        return restartStrategy;
    }

    /** Where the keyed state lives; used only by a pipeline with a keyBy. */
    public StateConfig state() {
        return state;
    }

    /** Where the keyed stage's event time comes from and how its watermarks are made. */
    public EventTimeSpec eventTime() {
        return eventTime;
    }

    /** Whether rows reach the sink exactly as decoded: then they are decoded into the table's type. */
    public boolean writesDecodedRows() {
        return operators.isEmpty() && keyBy == null;
    }

    /** Builds a {@link PipelineDefinition}. */
    public static final class Builder {
        private final String id;
        private SourceConfig source;
        private int parallelism = Runtime.getRuntime().availableProcessors();
        private EngineOptions.OnError onError = EngineOptions.OnError.DEAD_LETTER;
        private String deadLetterTopic;
        private String deadLetterTable;
        private SinkDefinition sink;
        private final List<Supplier<Operator>> operators = new ArrayList<>();
        private KeySelector keyBy;
        private Supplier<KeyedOperator> keyedOperator;
        private String keyedStage;
        private final List<Supplier<Operator>> afterKeyed = new ArrayList<>();
        private int maxParallelism = KeyGroups.DEFAULT_MAX_PARALLELISM;
        private RestartStrategy restartStrategy = RestartStrategy.DEFAULT;
        private StateConfig state = StateConfig.defaults();
        private EventTimeSpec eventTime = EventTimeSpec.kafkaTimestamps();

        private Builder(String id) {
            this.id = id;
        }

        public Builder source(SourceConfig value) {
            this.source = value;
            return this;
        }

        public Builder parallelism(int value) {
            this.parallelism = value;
            return this;
        }

        public Builder maxParallelism(int value) {
            this.maxParallelism = value;
            return this;
        }

        public Builder restartStrategy(RestartStrategy value) {
            this.restartStrategy = value;
            return this;
        }

        /** The keyed state backend and its bounds; default {@link StateConfig#defaults()}. */
        public Builder state(StateConfig value) {
            this.state = Objects.requireNonNull(value, "state");
            return this;
        }

        /** The keyed stage's event time; default: Kafka timestamps, in order. */
        public Builder eventTime(EventTimeSpec value) {
            this.eventTime = Objects.requireNonNull(value, "eventTime");
            return this;
        }

        public Builder onError(EngineOptions.OnError value) {
            this.onError = value;
            return this;
        }

        public Builder deadLetterTopic(String value) {
            this.deadLetterTopic = value;
            return this;
        }

        /** Dead letters go to this table of the sink instead of a topic. */
        public Builder deadLetterTable(String value) {
            this.deadLetterTable = value;
            return this;
        }

        public Builder sink(SinkDefinition value) {
            this.sink = value;
            return this;
        }

        /** A stateless operator: before the keyBy, or after the keyed operator once there is one. */
        public Builder operator(Supplier<Operator> factory) {
            if (keyedOperator == null) {
                operators.add(factory);
            } else {
                afterKeyed.add(factory);
            }
            return this;
        }

        /** Routes rows by key to the keyed operator, whose class names the keyed stage in savepoints. */
        public Builder keyBy(KeySelector selector, Supplier<KeyedOperator> operator) {
            if (keyBy != null) {
                throw new IllegalStateException("pipeline " + id + " already has a keyBy");
            }
            this.keyBy = selector;
            this.keyedOperator = operator;
            return this;
        }

        /**
         * Routes rows by key to the keyed operator, {@code description} saying what it keeps as
         * state (the key fields, the window and its aggregates), for savepoints.
         */
        public Builder keyBy(KeySelector selector, Supplier<KeyedOperator> operator, String description) {
            keyBy(selector, operator);
            this.keyedStage = Objects.requireNonNull(description, "description");
            return this;
        }

        public PipelineDefinition build() {
            return new PipelineDefinition(this);
        }
    }
}
