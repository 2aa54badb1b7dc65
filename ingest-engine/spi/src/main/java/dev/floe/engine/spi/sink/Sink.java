package dev.floe.engine.spi.sink;

import dev.floe.engine.spi.row.RowType;
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
     */
    Optional<CommittedPosition> committed();

    @Override
    void close();
}
