package dev.floe.engine.checkpoint;

import dev.floe.engine.state.KeyedStateHandle;
import dev.floe.engine.state.StateFile;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Reference tracking of shared state files across stored checkpoints. A shared file is listed by
 * every checkpoint whose snapshot contains it; it may be deleted once the last stored checkpoint
 * listing it is. Files that no stored checkpoint lists (uploaded for a checkpoint still in
 * progress, or one that was aborted) are never released here: a snapshot in progress may still
 * refer to them.
 */
final class SharedStateFiles {
    private SharedStateFiles() {}

    /** The shared files {@code checkpoint}'s keyed state lists. */
    static Set<String> listedBy(StoredCheckpoint checkpoint) {
        Set<String> paths = new HashSet<>();
        for (KeyedStateHandle handle : checkpoint.keyedState()) {
            for (StateFile file : handle.sharedFiles()) {
                paths.add(file.path());
            }
        }
        return paths;
    }

    /**
     * The shared files listed by the {@code deleted} checkpoints and by none of the {@code kept}
     * ones: what deleting those checkpoints releases.
     */
    static Set<String> released(Collection<StoredCheckpoint> deleted, Collection<StoredCheckpoint> kept) {
        Set<String> released = new HashSet<>();
        for (StoredCheckpoint checkpoint : deleted) {
            released.addAll(listedBy(checkpoint));
        }
        for (StoredCheckpoint checkpoint : kept) {
            released.removeAll(listedBy(checkpoint));
        }
        return released;
    }
}
