package dev.floe.engine.spi.dataflow;

/** What an operator learns about where it runs. */
public interface OperatorContext {
    String pipelineId();

    int subtask();

    int parallelism();

    /**
     * The Kafka record whose row is being processed, valid during {@link Operator#process}; null
     * where rows do not come from one record (after a keyed operator).
     */
    default RecordMetadata currentRecord() {
        return null;
    }
}
