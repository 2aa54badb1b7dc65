package dev.floe.engine.spi.sink;

import dev.floe.engine.spi.deadletter.DeadLetterDelivery;
import dev.floe.engine.spi.row.RowType;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.Schema;

/** One pipeline's destination, opened. */
public interface Sink extends AutoCloseable {
    /**
     * The type rows must have to be written here, given the schema the pipeline produces. The first
     * call may create the destination; a later schema may evolve it (in the same commit as the rows
     * that need it). Thread-safe: decoders of every subtask call it when they meet a new schema.
     */
    RowType rowType(Schema produced);

    /** A writer for one subtask. */
    SinkWriter createWriter(int subtask);

    /** The one committer of this sink. */
    SinkCommitter committer();

    /**
     * What the destination says this pipeline committed last, or empty when it holds nothing of
     * this pipeline. A start without a checkpoint resumes from its offsets and numbers new
     * checkpoints after its id, so that nothing is dropped or repeated.
     *
     * <p>A sink that writes several destinations (one table per topic, say) answers for all of them:
     * the checkpoint id is the newest any of them holds, and the offsets are those below which
     * every destination holds every record routed to it. Reading resumes there; each destination
     * then skips, by the {@link dev.floe.engine.spi.row.Row#originOffset() origin} of each row, the
     * records its own commits already cover (docs/iceberg-sink.md, "Several tables from one pipeline").
     */
    Optional<CommittedPosition> committed();

    /**
     * The dead-letter table {@code name} in this sink's own storage, created when missing, or empty
     * when this kind of sink keeps no dead-letter tables. Its deliveries follow the commit order of
     * the checkpoint (dead letters, then the sink's data), so a dead letter is visible with the data
     * of its checkpoint and delivered once whatever happens.
     */
    default Optional<DeadLetterDelivery> deadLetterTable(String name) {
        return Optional.empty();
    }

    /** The state of each destination, for health: one entry per table written so far. */
    default List<DestinationStatus> status() {
        return List.of();
    }

    @Override
    void close();
}
