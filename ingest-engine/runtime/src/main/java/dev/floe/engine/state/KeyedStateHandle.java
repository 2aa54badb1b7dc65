package dev.floe.engine.state;

import dev.floe.engine.dataflow.KeyGroupRange;
import java.util.List;
import java.util.Objects;

/**
 * Where one subtask's keyed state of a checkpoint is stored, and which key groups it covers.
 *
 * <p>The heap backend writes one file at {@code path}. The RocksDB backend writes a directory of
 * files: {@code privateFiles} belong to this checkpoint alone (under {@code path}, deleted with it),
 * {@code sharedFiles} are immutable SST files that later checkpoints may reference again instead
 * of uploading them twice; a shared file is deleted only when no retained checkpoint lists it.
 *
 * @param backend the backend that wrote it, {@code heap} or {@code rocksdb}
 * @param path the snapshot's path in checkpoint storage: a file, or the directory of private files
 * @param keyGroups the key groups it holds
 * @param bytes its size: every file it needs, shared ones included
 * @param sharedFiles the shared files it needs
 * @param privateFiles the files of this snapshot alone
 */
public record KeyedStateHandle(
        String backend,
        String path,
        KeyGroupRange keyGroups,
        long bytes,
        List<StateFile> sharedFiles,
        List<StateFile> privateFiles) {
    public KeyedStateHandle {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(keyGroups, "keyGroups");
        sharedFiles = List.copyOf(sharedFiles);
        privateFiles = List.copyOf(privateFiles);
    }

    /** A snapshot stored as the one file at {@code path}. */
    public KeyedStateHandle(String backend, String path, KeyGroupRange keyGroups, long bytes) {
        this(backend, path, keyGroups, bytes, List.of(), List.of());
    }
}
