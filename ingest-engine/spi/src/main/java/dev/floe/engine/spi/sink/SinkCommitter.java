package dev.floe.engine.spi.sink;

import java.util.List;

/**
 * The second phase of the sink's two-phase commit, driven by the checkpoint coordinator from one
 * thread.
 *
 * <ol>
 *   <li>{@link #prepare}: every writer acknowledged the checkpoint; persist what is needed to commit
 *       it later, and describe all pending work as bytes the coordinator stores in the checkpoint.
 *   <li>The coordinator stores the checkpoint durably. From here on it must reach the destination.
 *   <li>{@link #commit}: make everything prepared up to the checkpoint visible, exactly once.
 * </ol>
 *
 * <p>After a restart the coordinator calls {@link #restore} with the bytes of the newest stored
 * checkpoint, then {@link #commit}: the destination, not the coordinator, says what is committed
 * already.
 */
public interface SinkCommitter {
    /**
     * Makes the writers' results of {@code checkpoint} durable (but not visible) and returns the
     * versioned bytes that describe every prepared, uncommitted checkpoint up to this one.
     */
    byte[] prepare(CheckpointInfo checkpoint, List<WriteResult> results);

    /**
     * Commits every prepared checkpoint up to {@code checkpointId}, skipping what the destination
     * already holds. Throws {@link dev.floe.engine.spi.error.RetriableException} when it can be
     * tried again later, with nothing lost.
     */
    void commit(long checkpointId);

    /**
     * Commits every prepared checkpoint up to {@code checkpointId} now, even those a sink's commit
     * policy would let wait for more data: the engine calls it for the final checkpoint of a stop,
     * after which nothing would commit them until the next start.
     */
    default void flush(long checkpointId) {
        commit(checkpointId);
    }

    /** Restores the pending work of a stored checkpoint, as returned by {@link #prepare}. */
    void restore(CheckpointInfo checkpoint, byte[] pending);

    /** Checkpoints prepared but not yet committed. The coordinator pauses sources past a bound. */
    int pendingCheckpoints();
}
