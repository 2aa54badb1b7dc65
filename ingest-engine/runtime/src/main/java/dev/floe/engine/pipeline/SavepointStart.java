package dev.floe.engine.pipeline;

import dev.floe.engine.checkpoint.Savepoint;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The savepoint a pipeline was asked to start from ({@code floe run --from-savepoint}). Its first
 * start restores the savepoint whatever checkpoint storage holds; a restart after a failure
 * restores the newest checkpoint stored since, and the savepoint only while there is none.
 */
public final class SavepointStart {
    private final Savepoint savepoint;
    private final AtomicBoolean started = new AtomicBoolean();

    public SavepointStart(Savepoint savepoint) {
        this.savepoint = Objects.requireNonNull(savepoint, "savepoint");
    }

    public Savepoint savepoint() {
        return savepoint;
    }

    /** True for the pipeline's first start in this process, false for every later one. */
    boolean claimFirstStart() {
        return started.compareAndSet(false, true);
    }
}
