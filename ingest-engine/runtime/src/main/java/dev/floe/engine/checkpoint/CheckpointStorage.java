package dev.floe.engine.checkpoint;

import dev.floe.engine.config.CheckpointLocation;
import java.nio.file.Path;
import java.util.Collection;
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
     * Writes the local file {@code source} to {@code path}, streaming it, durably and atomically: a
     * reader sees the whole file or none. May run on any thread.
     */
    void writeFile(String path, Path source);

    /** Copies the stored file at {@code path} to the local file {@code target}, replacing it. */
    void readFile(String path, Path target);

    /**
     * The local file at {@code path}, when this storage is a local directory, so that a savepoint can
     * hard-link it instead of copying; empty for remote storage.
     */
    default Optional<Path> localFile(String path) {
        return Optional.empty();
    }

    /** Whether a file exists at {@code path}. */
    boolean exists(String path);

    /**
     * Deletes the files at {@code paths}, such as shared state files that no retained checkpoint
     * references any more; paths that do not exist are skipped. A file that cannot be deleted is
     * logged and left: it costs only space.
     */
    void delete(Collection<String> paths);

    /**
     * The path of an attachment of checkpoint {@code checkpointId} named {@code name}, for
     * {@link #store}.
     */
    String attachmentPath(long checkpointId, String name);

    /**
     * Deletes all but the newest {@code keep} checkpoints, except those holding any of {@code
     * referenced} paths, then the shared state files that only the deleted checkpoints listed
     * ({@link dev.floe.engine.state.KeyedStateHandle#sharedFiles()}). Shared files that no stored
     * checkpoint lists yet (a snapshot being uploaded) are never touched.
     */
    void retain(int keep, Set<String> referenced);

    /** Where this storage is, for messages. */
    String describe();

    /** Releases the storage's clients; idempotent. */
    @Override
    default void close() {}
}
