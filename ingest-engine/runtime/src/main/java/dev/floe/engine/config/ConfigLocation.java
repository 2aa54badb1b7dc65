package dev.floe.engine.config;

import dev.floe.engine.spi.config.ConfigProblem;
import java.util.Objects;

/**
 * Where a value is in a config file, kept past loading for checks that need what only a running
 * pipeline can learn (the records' schema), so that their problems still name the file, the line
 * and the key path.
 *
 * @param file the config file
 * @param line the 1-based line, or 0 when unknown
 * @param path the key path, such as {@code pipelines[0].transforms[2].filter}
 */
public record ConfigLocation(String file, int line, String path) {
    public ConfigLocation {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(path, "path");
    }

    /** A location for values given in code, not in a file. */
    public static ConfigLocation code(String path) {
        return new ConfigLocation("<code>", 0, path);
    }

    /** The location of {@code key} under this one, on the same line. */
    public ConfigLocation child(String key) {
        return new ConfigLocation(file, line, path.isEmpty() ? key : path + "." + key);
    }

    public ConfigProblem problem(String message) {
        return new ConfigProblem(file, line, path, message);
    }

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + path;
    }
}
