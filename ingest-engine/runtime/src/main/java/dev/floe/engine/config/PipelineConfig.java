package dev.floe.engine.config;

import dev.floe.engine.mapping.MappingConfig;
import dev.floe.engine.pipeline.RestartStrategy;
import dev.floe.engine.spi.sink.SinkDefinition;
import java.util.Objects;

/**
 * One topic-to-table mapping.
 *
 * @param id the pipeline's declared id, its dedup marker in the tables
 * @param source what it reads
 * @param parallelism its subtasks
 * @param onError what a record that cannot be ingested does
 * @param deadLetterTopic the topic such records go to, or null when they go to {@code deadLetterTable}
 * @param deadLetterTable the table of the sink such records go to, or null when they go to a topic
 * @param sink where it writes
 * @param restartStrategy how it restarts after a failure a restart can fix
 * @param state where its keyed state lives
 * @param mapping what it does to the records between decoding and the sink
 */
public record PipelineConfig(
        String id,
        SourceConfig source,
        int parallelism,
        EngineOptions.OnError onError,
        String deadLetterTopic,
        String deadLetterTable,
        SinkDefinition sink,
        RestartStrategy restartStrategy,
        StateConfig state,
        MappingConfig mapping) {
    public PipelineConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(onError, "onError");
        if ((deadLetterTopic == null) == (deadLetterTable == null)) {
            throw new IllegalArgumentException("exactly one of deadLetterTopic and deadLetterTable must be set: "
                    + deadLetterTopic + ", " + deadLetterTable);
        }
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(restartStrategy, "restartStrategy");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(mapping, "mapping");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
    }

    /** This pipeline at another parallelism (`floe run --parallelism`). */
    public PipelineConfig withParallelism(int newParallelism) {
        return new PipelineConfig(
                id,
                source,
                newParallelism,
                onError,
                deadLetterTopic,
                deadLetterTable,
                sink,
                restartStrategy,
                state,
                mapping);
    }
}
