package dev.floe.engine.spi.dataflow;

import dev.floe.engine.spi.row.Row;
import org.apache.iceberg.Schema;

/**
 * A stateless operator, chained on the thread of the subtask that reads the records: it sees each
 * row once and emits zero or more rows. Rows of different schemas may arrive (a topic's writer
 * schema evolves); an operator prepares itself per input schema, not per row.
 */
public interface Operator extends AutoCloseable {
    /** The schema of the rows this operator emits for rows of {@code input}. */
    Schema outputSchema(Schema input);

    default void open(OperatorContext context) {}

    /**
     * Processes one row. The row is valid only during the call: an operator that keeps it past the
     * call keeps {@link Row#detach()}.
     */
    void process(Row row, Collector out);

    @Override
    default void close() {}
}
