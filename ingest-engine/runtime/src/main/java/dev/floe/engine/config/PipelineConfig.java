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
 * @param deadLetterTopic where such records go
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
        SinkDefinition sink,
        RestartStrategy restartStrategy,
        StateConfig state,
        MappingConfig mapping) {
    public PipelineConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(onError, "onError");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(restartStrategy, "restartStrategy");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(mapping, "mapping");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
    }
}
