package dev.floe.engine.checkpoint;

import dev.floe.engine.config.CheckpointLocation;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where one pipeline's completed checkpoints are kept. A checkpoint counts as completed exactly
 * when {@link #store} returns: its metadata is written last and atomically.
 */
public interface CheckpointStorage extends AutoCloseable {
    /** The storage of pipeline {@code pipelineId} at {@code location}, chosen by its kind. */
    static CheckpointStorage open(CheckpointLocation location, String pipelineId) {
        if (location instanceof CheckpointLocation.S3 s3) {
            return new S3CheckpointStorage(s3, pipelineId);
        }
        return new LocalCheckpointStorage(((CheckpointLocation.Local) location).directory(), pipelineId);
    }

    /** The newest completed checkpoint, or empty when there is none. */
    Optional<StoredCheckpoint> latest();

    /**
     * Stores a checkpoint's attachments (paths relative to the pipeline's storage) and then its
     * metadata, atomically and durably.
     */
    void store(StoredCheckpoint checkpoint, Map<String, byte[]> attachments);

    /** A file written by {@link #store} or {@link #write}. */
    byte[] read(String path);

    /**
     * Writes a file (a subtask's state snapshot, say) durably and atomically, before the checkpoint
     * that refers to it is stored. May run on any thread.
     */
    void write(String path, byte[] bytes);

    /**
     * The path of an attachment of checkpoint {@code checkpointId} named {@code name}, for
     * {@link #store}.
     */
    String attachmentPath(long checkpointId, String name);

    /**
     * Deletes all but the newest {@code keep} checkpoints, except those holding any of {@code
     * referenced} paths.
     */
    void retain(int keep, Set<String> referenced);

    /** Where this storage is, for messages. */
    String describe();

    /** Releases the storage's clients; idempotent. */
    @Override
    default void close() {}
}
