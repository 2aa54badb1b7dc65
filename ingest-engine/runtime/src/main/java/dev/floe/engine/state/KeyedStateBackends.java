package dev.floe.engine.state;

import dev.floe.engine.config.StateConfig;
import dev.floe.engine.dataflow.KeyGroupRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the keyed state backends of one pipeline's keyed subtasks, of the kind its {@link
 * StateConfig} names, and owns what they share: for RocksDB, the block cache, the write buffer
 * manager and the options ({@link RocksDbResources}), and the process's working directory.
 *
 * <p>Close order: every backend it made first (each keyed subtask closes its own when its thread
 * ends; {@link #close()} closes those that never ran, so it must be called after the subtasks'
 * threads ended), then the shared resources.
 */
public final class KeyedStateBackends implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeyedStateBackends.class);

    private final String pipelineId;
    private final StateConfig config;
    private final Clock clock;
    private final Executor uploads;
    private final RocksDbResources resources;
    private final Path workingDirectory;
    private final List<KeyedStateBackend> created = new ArrayList<>();
    private boolean closed;

    private KeyedStateBackends(String pipelineId, StateConfig config, Clock clock, Executor uploads) {
        this.pipelineId = pipelineId;
        this.config = config;
        this.clock = clock;
        this.uploads = uploads;
        if (config.backend() == StateConfig.Backend.ROCKSDB) {
            this.workingDirectory = RocksDbWorkingDirectory.create(config.directory(), pipelineId);
            this.resources = new RocksDbResources(config.memory(), config.writeBuffer());
        } else {
            this.workingDirectory = null;
            this.resources = null;
        }
    }

    /**
     * The backends of pipeline {@code pipelineId}.
     *
     * @param clock processing time and time-to-live
     * @param uploads where snapshots are written to checkpoint storage
     */
    public static KeyedStateBackends open(String pipelineId, StateConfig config, Clock clock, Executor uploads) {
        return new KeyedStateBackends(pipelineId, config, clock, uploads);
    }

    public StateConfig config() {
        return config;
    }

    /** A new, empty backend for keyed subtask {@code subtask}, holding key groups {@code range}. */
    public synchronized KeyedStateBackend create(int subtask, KeyGroupRange range) {
        if (closed) {
            throw new IllegalStateException("Cannot create a state backend of pipeline " + pipelineId + ": closed");
        }
        String owner = pipelineId + "-" + subtask;
        KeyedStateBackend backend = resources == null
                ? new HeapKeyedStateBackend(owner, range, clock, uploads)
                : new RocksDbKeyedStateBackend(
                        owner,
                        range,
                        clock,
                        uploads,
                        resources,
                        workingDirectory.resolve(Integer.toString(subtask)),
                        config.cache().bytes());
        created.add(backend);
        return backend;
    }

    /** The native memory the pipeline's keyed state uses now; {@link StateMemory#NONE} on the heap. */
    public synchronized StateMemory memory() {
        return resources == null || closed ? StateMemory.NONE : resources.memory();
    }

    /** The pipeline's RocksDB figures now; {@link RocksDbStats#NONE} on the heap. */
    public synchronized RocksDbStats rocksDbStats() {
        return resources == null || closed ? RocksDbStats.NONE : resources.stats();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // a backend's close is idempotent: this closes those whose subtask never ran
        created.forEach(KeyedStateBackend::close);
        if (resources != null) {
            resources.close();
            try {
                // empty unless an upload is still writing from a backend's directory: that one removes its own
                Files.deleteIfExists(workingDirectory);
            } catch (IOException e) {
                LOG.debug("State directory {} of pipeline {} is kept: {}", workingDirectory, pipelineId, e.toString());
            }
        }
    }
}
