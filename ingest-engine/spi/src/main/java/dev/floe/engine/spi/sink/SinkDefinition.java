package dev.floe.engine.spi.sink;

/** A pipeline's sink as configured and validated, before anything is connected. */
public interface SinkDefinition {
    /** A short description for logs and status, such as {@code iceberg table demo.orders}. */
    String describe();

    /**
     * Whether the destination applies {@link dev.floe.engine.spi.row.RowKind#DELETE} rows (an
     * upsert table, say). The engine sends such rows only to a sink that does: for others a Kafka
     * tombstone stays a bad record, and a change-event source format is refused at load.
     */
    default boolean appliesDeletes() {
        return false;
    }

    /** Connects to the destination. */
    Sink open(SinkContext context);

    /**
     * This destination written by another writer: the same tables, commits marked as {@code
     * writerId}'s (not the pipeline's, nor its former ids'), so that the pipeline's own recovery,
     * markers and claim ignore them. {@code floe replay} writes this way while the pipeline runs.
     *
     * @throws UnsupportedOperationException when the destination keeps no per-writer markers, so a
     *     second writer could not be told apart
     */
    default SinkDefinition asWriter(String writerId) {
        throw new UnsupportedOperationException(
                "Cannot write " + describe() + " as " + writerId + ": the sink keeps no per-writer markers");
    }
}
