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
 * @param writeBuffer the size of one RocksDB write buffer (memtable); what is in the write buffers
 *     when a checkpoint's barrier arrives is flushed while the subtask waits, so this bounds the
 *     checkpoint's stall
 * @param cache the bytes of value and map entries each keyed subtask of the RocksDB backend keeps
 *     in a write-back cache on the heap; zero for none
 */
public record StateConfig(Backend backend, DataSize memory, Path directory, DataSize writeBuffer, DataSize cache) {
    /** The smallest memory bound: RocksDB needs a few write buffers and a little cache. */
    public static final DataSize MIN_MEMORY = DataSize.ofMegabytes(16);

    /** The default bound of a pipeline's RocksDB memory. */
    public static final DataSize DEFAULT_MEMORY = DataSize.ofMegabytes(256);

    /** The smallest write buffer RocksDB is given. */
    public static final DataSize MIN_WRITE_BUFFER = DataSize.ofMegabytes(1);

    /** The default write buffer size. */
    public static final DataSize DEFAULT_WRITE_BUFFER = DataSize.ofMegabytes(8);

    /** The default bound of each keyed subtask's write-back cache. */
    public static final DataSize DEFAULT_CACHE = DataSize.ofMegabytes(16);

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
        Objects.requireNonNull(writeBuffer, "writeBuffer");
        Objects.requireNonNull(cache, "cache");
        if (memory.compareTo(MIN_MEMORY) < 0) {
            throw new IllegalArgumentException("state memory must be at least " + MIN_MEMORY + ": " + memory);
        }
        if (writeBuffer.compareTo(MIN_WRITE_BUFFER) < 0) {
            throw new IllegalArgumentException(
                    "state write buffer must be at least " + MIN_WRITE_BUFFER + ": " + writeBuffer);
        }
        directory = directory.toAbsolutePath();
    }

    /** RocksDB with the default memory, in {@link #defaultDirectory()}. */
    public static StateConfig defaults() {
        return new StateConfig(
                Backend.ROCKSDB, DEFAULT_MEMORY, defaultDirectory(), DEFAULT_WRITE_BUFFER, DEFAULT_CACHE);
    }

    /** {@code floe-state} in the JVM's temporary directory ({@code java.io.tmpdir}). */
    public static Path defaultDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"), "floe-state");
    }

    public StateConfig withBackend(Backend newBackend) {
        return new StateConfig(newBackend, memory, directory, writeBuffer, cache);
    }

    public StateConfig withMemory(DataSize newMemory) {
        return new StateConfig(backend, newMemory, directory, writeBuffer, cache);
    }

    public StateConfig withDirectory(Path newDirectory) {
        return new StateConfig(backend, memory, newDirectory, writeBuffer, cache);
    }

    public StateConfig withWriteBuffer(DataSize newWriteBuffer) {
        return new StateConfig(backend, memory, directory, newWriteBuffer, cache);
    }

    public StateConfig withCache(DataSize newCache) {
        return new StateConfig(backend, memory, directory, writeBuffer, newCache);
    }
}
