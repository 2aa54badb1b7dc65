package dev.floe.engine.config;

import dev.floe.engine.spi.config.ConfigOption;
import dev.floe.engine.spi.config.ConfigSection;
import dev.floe.engine.spi.config.ConfigSpec;
import dev.floe.engine.spi.config.DataSize;
import dev.floe.engine.spi.config.ValueType;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/** The keys of a pipeline's {@code state} section: which keyed state backend, and its bounds. */
public final class StateOptions {
    private StateOptions() {}

    public static final ConfigOption<StateConfig.Backend> BACKEND = ConfigOption.of(
                    "backend", ValueType.enumeration(StateConfig.Backend.class))
            .defaultValue(StateConfig.Backend.ROCKSDB)
            .description("Where keyed state (aggregates, windows, timers) lives: rocksdb, on local disk with"
                    + " incremental checkpoints, for state of any size; or heap, on the Java heap, for small state");

    public static final ConfigOption<DataSize> MEMORY = ConfigOption.of("memory", ValueType.DATA_SIZE)
            .defaultValue(StateConfig.DEFAULT_MEMORY)
            .constraint(size -> size.compareTo(StateConfig.MIN_MEMORY) >= 0, "at least " + StateConfig.MIN_MEMORY)
            .description("The native memory RocksDB may use for the pipeline, shared by its keyed subtasks: one"
                    + " block cache that the write buffers are charged to as well");

    public static final ConfigOption<DataSize> WRITE_BUFFER = ConfigOption.of("writeBuffer", ValueType.DATA_SIZE)
            .defaultValue(StateConfig.DEFAULT_WRITE_BUFFER)
            .constraint(
                    size -> size.compareTo(StateConfig.MIN_WRITE_BUFFER) >= 0,
                    "at least " + StateConfig.MIN_WRITE_BUFFER)
            .description("The size of one RocksDB write buffer (memtable), at most an eighth of memory. What the"
                    + " write buffers hold when a checkpoint's barrier arrives is flushed while the keyed subtask"
                    + " waits: smaller buffers mean a shorter stall, larger ones fewer background flushes and"
                    + " compactions");

    public static final ConfigOption<DataSize> CACHE = ConfigOption.of("cache", ValueType.DATA_SIZE)
            .defaultValue(StateConfig.DEFAULT_CACHE)
            .description("The heap each keyed subtask of the rocksdb backend gives a write-back cache of value and"
                    + " map state entries (a window's accumulator, a key's last value): entries read and written"
                    + " again and again stay there, and RocksDB gets only their last write before a checkpoint or"
                    + " an eviction (least recently used first). 0 turns it off");

    public static final ConfigOption<String> DIRECTORY = ConfigOption.string("directory")
            .description("Where RocksDB keeps its working files (a fast local disk); nothing in it survives a"
                    + " restart, which restores from the latest checkpoint. Default: floe-state in the JVM's"
                    + " temporary directory");

    public static final ConfigSpec STATE = ConfigSpec.of(
            "state",
            "Where a pipeline keeps its keyed state, and within what bounds",
            List.of(BACKEND, MEMORY, WRITE_BUFFER, CACHE, DIRECTORY));

    public static final ConfigOption<ConfigSection> SECTION =
            ConfigOption.section("state", STATE).description(STATE.description());

    /** The state config of a pipeline's {@code state} section. */
    static StateConfig read(ConfigSection section) {
        String directory = section.get(DIRECTORY);
        Path path = StateConfig.defaultDirectory();
        if (directory != null) {
            try {
                path = Path.of(directory);
            } catch (InvalidPathException e) {
                section.problem(DIRECTORY, "'" + directory + "' is not a path: " + e.getMessage());
            }
        }
        return new StateConfig(
                section.get(BACKEND), section.get(MEMORY), path, section.get(WRITE_BUFFER), section.get(CACHE));
    }
}
