package dev.floe.engine.spi.dataflow;

import dev.floe.engine.spi.row.Row;
import org.apache.iceberg.Schema;

/**
 * An operator after a keyBy: each subtask owns a range of key groups, and the runtime sets the key
 * of every row before {@link #process} and of every timer before it fires, so that state and timers
 * are the current key's. Its state is checkpointed with the pipeline and restored, redistributed
 * by key group, after a restart or a rescale.
 */
public interface KeyedOperator extends AutoCloseable {
    /** The schema of the rows this operator emits for rows of {@code input}. */
    Schema outputSchema(Schema input);

    /** Declares states and prepares; called once per subtask before any row. */
    void open(KeyedOperatorContext context);

    /** Processes one row of the current key. Keep {@link Row#detach()} to hold a row past the call. */
    void process(Row row, Collector out);

    /** An event-time timer of the current key fired: the watermark passed {@code time}. */
    default void onEventTime(long time, Collector out) {}

    /** A processing-time timer of the current key fired. */
    default void onProcessingTime(long time, Collector out) {}

    /** The input ended (a bounded run): emit what is still held, if anything should be. */
    default void endOfInput(Collector out) {}

    @Override
    default void close() {}
}
