package dev.floe.engine.config;

import dev.floe.engine.spi.config.DataSize;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a pipeline keeps its keyed state, and within what bounds.
 *
 * @param backend which state backend its keyed subtasks use
 * @param memory the native memory the RocksDB backend of the pipeline's keyed subtasks may use
 *     together: block cache and write buffers
 * @param directory where the RocksDB backend keeps its working files; a directory per pipeline
 *     and subtask is made inside it
 */
public record StateConfig(Backend backend, DataSize memory, Path directory) {
    /** The smallest memory bound: RocksDB needs a few write buffers and a little cache. */
    public static final DataSize MIN_MEMORY = DataSize.ofMegabytes(16);

    /** The default bound of a pipeline's RocksDB memory. */
    public static final DataSize DEFAULT_MEMORY = DataSize.ofMegabytes(256);

    /** The keyed state backends there are. */
    public enum Backend {
        /** RocksDB on local disk: state larger than memory, incremental checkpoints. */
        ROCKSDB,
        /** The Java heap: small state and tests. */
        HEAP
    }

    public StateConfig {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(directory, "directory");
        if (memory.compareTo(MIN_MEMORY) < 0) {
            throw new IllegalArgumentException("state memory must be at least " + MIN_MEMORY + ": " + memory);
        }
        directory = directory.toAbsolutePath();
    }

    /** RocksDB with the default memory, in {@link #defaultDirectory()}. */
    public static StateConfig defaults() {
        return new StateConfig(Backend.ROCKSDB, DEFAULT_MEMORY, defaultDirectory());
    }

    /** {@code floe-state} in the JVM's temporary directory ({@code java.io.tmpdir}). */
    public static Path defaultDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"), "floe-state");
    }

    public StateConfig withBackend(Backend newBackend) {
        return new StateConfig(newBackend, memory, directory);
    }

    public StateConfig withMemory(DataSize newMemory) {
        return new StateConfig(backend, newMemory, directory);
    }

    public StateConfig withDirectory(Path newDirectory) {
        return new StateConfig(backend, memory, newDirectory);
    }
}
