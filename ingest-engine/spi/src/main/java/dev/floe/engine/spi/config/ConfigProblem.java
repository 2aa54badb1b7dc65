package dev.floe.engine.spi.config;

import java.util.Objects;

/**
 * One thing wrong with a config file: where (file, line, key path) and what.
 *
 * @param file the config file, or a description of where the config came from
 * @param line the 1-based line of the offending key or value, or 0 when unknown
 * @param path the key path, such as {@code pipelines[0].source.topics}
 * @param message what is wrong and what was expected
 * @param value the offending value as the file gives it ({@code <redacted>} for a secret), or an
 *     empty string when the problem is not one value's (a missing key, a section's shape)
 */
public record ConfigProblem(String file, int line, String path, String message, String value) {
    public ConfigProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(value, "value");
    }

    /** A problem that is not one value's. */
    public ConfigProblem(String file, int line, String path, String message) {
        this(file, line, path, message, "");
    }

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
