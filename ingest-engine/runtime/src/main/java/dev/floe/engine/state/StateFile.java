package dev.floe.engine.state;

import java.util.Objects;

/**
 * One file of a keyed state snapshot in checkpoint storage.
 *
 * @param name the file's name in the backend's local directory, such as {@code 000042.sst}
 * @param path where it is in checkpoint storage, relative to the pipeline's storage
 * @param bytes its size
 */
public record StateFile(String name, String path, long bytes) {
    public StateFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("state file name '" + name + "' must be a plain file name");
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("state file " + path + " cannot have a negative size: " + bytes);
        }
    }
}
