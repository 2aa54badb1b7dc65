package dev.floe.engine.spi.config;

import java.util.Objects;

/**
 * One thing wrong with a config file: where (file, line, key path) and what.
 *
 * @param file the config file, or a description of where the config came from
 * @param line the 1-based line of the offending key or value, or 0 when unknown
 * @param path the key path, such as {@code pipelines[0].source.topics}
 * @param message what is wrong and what was expected
 */
public record ConfigProblem(String file, int line, String path, String message) {
    public ConfigProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
