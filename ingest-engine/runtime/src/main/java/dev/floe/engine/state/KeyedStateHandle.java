package dev.floe.engine.state;

import dev.floe.engine.dataflow.KeyGroupRange;
import java.util.Objects;

/**
 * Where one subtask's keyed state of a checkpoint is stored, and which key groups it covers.
 *
 * @param backend the backend that wrote it, {@code heap} or {@code rocksdb}
 * @param path the snapshot's path in checkpoint storage
 * @param keyGroups the key groups it holds
 * @param bytes its size
 */
public record KeyedStateHandle(String backend, String path, KeyGroupRange keyGroups, long bytes) {
    public KeyedStateHandle {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(keyGroups, "keyGroups");
    }
}
