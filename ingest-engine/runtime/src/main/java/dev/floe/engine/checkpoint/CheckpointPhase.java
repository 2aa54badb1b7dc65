package dev.floe.engine.checkpoint;

/** The moments of the checkpoint and commit protocol, in order, that listeners observe. */
public enum CheckpointPhase {
    /** A subtask received barrier N and has not yet finished its files. */
    BARRIER_RECEIVED,
    /** A keyed subtask took N's state snapshot and is writing it to checkpoint storage. */
    STATE_UPLOADING,
    /** A subtask finished its files (and state) for N and is about to acknowledge. */
    SUBTASK_PREPARED,
    /** Checkpoint N's metadata is durable; nothing of N is committed yet. */
    CHECKPOINT_STORED,
    /** N's dead letters are delivered; the tables are not committed yet. */
    DEAD_LETTERS_DELIVERED,
    /** N is committed to the sink; the lag offsets are not committed yet. */
    SINK_COMMITTED,
    /** N's offsets are committed to the consumer group: N is done. */
    OFFSETS_COMMITTED
}
