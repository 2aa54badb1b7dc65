package dev.floe.engine.state;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.spi.error.FatalException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * One open RocksDB database of the RocksDB backend: a column family per state ({@code state:<name>}),
 * one for timers, and the default column family for what the backend records about each state
 * ({@link StateMeta}) and the layout's format version.
 *
 * <p>Owns the database, its column family handles, its read and write options and its checkpoint
 * object, and closes them in that reverse order: checkpoint object, handles, database, options. The
 * database and column family options belong to {@link RocksDbResources}, closed after every store.
 * Writes skip RocksDB's write-ahead log: a store is never reopened after a crash, a restart restores
 * from the latest checkpoint.
 */
final class RocksDbStore implements AutoCloseable {
    /** The layout of keys and values this backend writes, stored in the database. */
    static final int FORMAT = 1;

    private static final String STATE_PREFIX = "state:";
    private static final String TIMERS = "floe:timers";
    private static final String DEFAULT = new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8);
    private static final byte[] FORMAT_KEY = "floe:format".getBytes(StandardCharsets.UTF_8);
    private static final String META_PREFIX = "state:";

    private final String owner;
    private final Path directory;
    private final RocksDbResources resources;
    private final RocksDB database;
    private final ColumnFamilyHandle defaultColumn;
    private final ColumnFamilyHandle timers;
    private final Map<String, ColumnFamilyHandle> states = new LinkedHashMap<>();
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final WriteOptions writeOptions = new WriteOptions().setDisableWAL(true);
    private final ReadOptions readOptions = new ReadOptions();
    private Checkpoint checkpoint;
    private boolean closed;

    private RocksDbStore(String owner, Path directory, RocksDbResources resources) {
        this.owner = owner;
        this.directory = directory;
        this.resources = resources;
        List<String> names = new ArrayList<>(existingColumns(directory));
        for (String required : List.of(DEFAULT, TIMERS)) {
            if (!names.contains(required)) {
                names.add(required);
            }
        }
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (String name : names) {
            descriptors.add(
                    new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), resources.columnOptions()));
        }
        try {
            Files.createDirectories(directory);
            this.database = RocksDB.open(resources.databaseOptions(), directory.toString(), descriptors, handles);
        } catch (RocksDBException | java.io.IOException e) {
            handles.forEach(ColumnFamilyHandle::close);
            writeOptions.close();
            readOptions.close();
            throw failure("open the state of", e);
        }
        resources.opened(owner, database);
        ColumnFamilyHandle defaults = null;
        ColumnFamilyHandle timerColumn = null;
        for (int i = 0; i < descriptors.size(); i++) {
            String name = new String(descriptors.get(i).getName(), StandardCharsets.UTF_8);
            if (name.equals(DEFAULT)) {
                defaults = handles.get(i);
            } else if (name.equals(TIMERS)) {
                timerColumn = handles.get(i);
            } else if (name.startsWith(STATE_PREFIX)) {
                states.put(name.substring(STATE_PREFIX.length()), handles.get(i));
            }
        }
        this.defaultColumn = defaults;
        this.timers = timerColumn;
        checkFormat();
    }

    /** Opens the database in {@code directory}, or creates an empty one there. */
    static RocksDbStore open(String owner, Path directory, RocksDbResources resources) {
        return new RocksDbStore(owner, directory, resources);
    }

    private List<String> existingColumns(Path path) {
        if (!Files.exists(path.resolve("CURRENT"))) {
            return List.of();
        }
        try (Options options = new Options()) {
            List<String> names = new ArrayList<>();
            for (byte[] name : RocksDB.listColumnFamilies(options, path.toString())) {
                names.add(new String(name, StandardCharsets.UTF_8));
            }
            return names;
        } catch (RocksDBException e) {
            throw failure("list the column families of", e);
        }
    }

    private void checkFormat() {
        try {
            byte[] stored = database.get(defaultColumn, FORMAT_KEY);
            if (stored == null) {
                database.put(defaultColumn, writeOptions, FORMAT_KEY, new byte[] {FORMAT});
            } else if (stored[0] != FORMAT) {
                throw new FatalException(
                        EngineErrorCode.CHECKPOINT_CORRUPT,
                        "Cannot open the state of " + owner + " in " + directory + ": its layout version is "
                                + stored[0] + ", and this Floe reads version " + FORMAT);
            }
        } catch (RocksDBException e) {
            throw failure("read the layout version of", e);
        }
    }

    RocksDB database() {
        return database;
    }

    WriteOptions writeOptions() {
        return writeOptions;
    }

    ReadOptions readOptions() {
        return readOptions;
    }

    ColumnFamilyHandle timers() {
        return timers;
    }

    /** The column family of state {@code name}, or null when it has none yet. */
    ColumnFamilyHandle state(String name) {
        return states.get(name);
    }

    /** Every state's column family, by state name. */
    Map<String, ColumnFamilyHandle> states() {
        return Collections.unmodifiableMap(states);
    }

    ColumnFamilyHandle createState(String name) {
        try {
            ColumnFamilyHandle handle = database.createColumnFamily(new ColumnFamilyDescriptor(
                    (STATE_PREFIX + name).getBytes(StandardCharsets.UTF_8), resources.columnOptions()));
            handles.add(handle);
            states.put(name, handle);
            return handle;
        } catch (RocksDBException e) {
            throw failure("create state '" + name + "' of", e);
        }
    }

    /** What was recorded about state {@code name}, or null. */
    StateMeta meta(String name) {
        try {
            byte[] stored = database.get(defaultColumn, metaKey(name));
            return stored == null ? null : StateMeta.decode(stored);
        } catch (RocksDBException e) {
            throw failure("read what is recorded about state '" + name + "' of", e);
        }
    }

    void putMeta(String name, StateMeta meta) {
        try {
            database.put(defaultColumn, writeOptions, metaKey(name), meta.encode());
        } catch (RocksDBException e) {
            throw failure("record state '" + name + "' of", e);
        }
    }

    /** What was recorded about every state, by name. */
    Map<String, StateMeta> metas() {
        Map<String, StateMeta> metas = new HashMap<>();
        for (String name : states.keySet()) {
            StateMeta meta = meta(name);
            if (meta != null) {
                metas.put(name, meta);
            }
        }
        return metas;
    }

    private static byte[] metaKey(String name) {
        return (META_PREFIX + name).getBytes(StandardCharsets.UTF_8);
    }

    RocksIterator iterator(ColumnFamilyHandle column) {
        return database.newIterator(column, readOptions);
    }

    /**
     * Takes RocksDB's native checkpoint into {@code target}, which must not exist: the memtables are
     * flushed, then the live SST files are hard-linked and the small metadata files copied.
     */
    void checkpoint(Path target) {
        try {
            if (checkpoint == null) {
                checkpoint = Checkpoint.create(database);
            }
            checkpoint.createCheckpoint(target.toString());
        } catch (RocksDBException e) {
            throw failure("take a native checkpoint into " + target + " of", e);
        }
    }

    /** Compacts every column family fully. */
    void compact() {
        try {
            database.compactRange(defaultColumn);
            database.compactRange(timers);
            for (ColumnFamilyHandle handle : states.values()) {
                database.compactRange(handle);
            }
        } catch (RocksDBException e) {
            throw failure("compact", e);
        }
    }

    Path directory() {
        return directory;
    }

    FatalException failure(String action, Exception e) {
        return failure(owner, directory, action, e);
    }

    static FatalException failure(String owner, Path directory, String action, Exception e) {
        return new FatalException(
                EngineErrorCode.STATE_BACKEND_FAILED,
                "Cannot " + action + " " + owner + " in " + directory + ": " + e.getMessage(),
                e);
    }

    /** Closes the handles and the database; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        resources.closing(database);
        if (checkpoint != null) {
            checkpoint.close();
        }
        database.cancelAllBackgroundWork(true);
        for (ColumnFamilyHandle handle : handles) {
            handle.close();
        }
        database.close();
        readOptions.close();
        writeOptions.close();
    }
}
