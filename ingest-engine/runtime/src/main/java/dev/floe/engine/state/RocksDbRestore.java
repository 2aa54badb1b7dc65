package dev.floe.engine.state;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.checkpoint.CheckpointStorage;
import dev.floe.engine.dataflow.KeyGroupRange;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a RocksDB backend's database from the snapshots of a checkpoint. The snapshot that
 * shares the most key groups with this backend is downloaded and opened as it is; when it holds
 * other key groups too (the pipeline was rescaled), their key ranges are deleted. Every other
 * snapshot that shares key groups is downloaded beside it, and its entries in this backend's key
 * groups are copied over, without the expired ones.
 */
final class RocksDbRestore {
    private static final Logger LOG = LoggerFactory.getLogger(RocksDbRestore.class);
    /** Bytes of copied entries per write batch. */
    private static final long BATCH_BYTES = 4L << 20;

    private final String owner;
    private final KeyGroupRange range;
    private final RocksDbResources resources;
    private final Clock clock;
    private final Path databaseDirectory;

    RocksDbRestore(String owner, KeyGroupRange range, RocksDbResources resources, Clock clock, Path directory) {
        this.owner = owner;
        this.range = range;
        this.resources = resources;
        this.clock = clock;
        this.databaseDirectory = directory;
    }

    /** Opens the restored database in the backend's database directory, which must not exist yet. */
    RocksDbStore restore(List<KeyedStateHandle> handles, CheckpointStorage storage, RocksDbSnapshots snapshots) {
        List<KeyedStateHandle> relevant = new ArrayList<>();
        for (KeyedStateHandle handle : handles) {
            if (!handle.backend().equals(RocksDbKeyedStateBackend.NAME)) {
                throw new FatalException(
                        EngineErrorCode.CHECKPOINT_CORRUPT,
                        "Cannot restore " + owner + " from " + handle.path() + ": it was written by the "
                                + handle.backend() + " backend, and this pipeline uses the rocksdb backend"
                                + " (state.backend: heap restores it)");
            }
            if (handle.keyGroups().overlaps(range)) {
                relevant.add(handle);
            }
        }
        if (relevant.isEmpty()) {
            snapshots.restoredFrom(List.of());
            return RocksDbStore.open(owner, databaseDirectory, resources);
        }
        relevant.sort(Comparator.comparingInt(this::overlap).reversed());
        KeyedStateHandle base = relevant.get(0);
        long start = System.nanoTime();
        download(base, storage, databaseDirectory);
        RocksDbStore store = openDownloaded(base, databaseDirectory);
        try {
            if (!range.equals(base.keyGroups())) {
                keepOnlyOwnKeyGroups(store);
            }
            for (KeyedStateHandle other : relevant.subList(1, relevant.size())) {
                Path temporary = databaseDirectory.resolveSibling(
                        "restore-" + other.keyGroups().start());
                RocksDbWorkingDirectory.deleteRecursively(temporary);
                download(other, storage, temporary);
                try (RocksDbStore source = openDownloaded(other, temporary)) {
                    copy(source, other.keyGroups(), store);
                } finally {
                    RocksDbWorkingDirectory.deleteRecursively(temporary);
                }
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        // the base's SST files are live in the restored database and already in storage
        snapshots.restoredFrom(base.sharedFiles());
        LOG.info(
                "Restored {} (key groups {}) from {} snapshot(s) of key groups {} in {} ms",
                owner,
                range,
                relevant.size(),
                relevant.stream().map(KeyedStateHandle::keyGroups).toList(),
                (System.nanoTime() - start) / 1_000_000);
        return store;
    }

    private int overlap(KeyedStateHandle handle) {
        return Math.min(range.end(), handle.keyGroups().end())
                - Math.max(range.start(), handle.keyGroups().start());
    }

    private void download(KeyedStateHandle handle, CheckpointStorage storage, Path target) {
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw RocksDbStore.failure(owner, target, "create the restore directory of", e);
        }
        for (StateFile file : filesOf(handle)) {
            Path local = target.resolve(file.name());
            try {
                storage.readFile(file.path(), local);
            } catch (RetriableException e) {
                if (!storage.exists(file.path())) {
                    throw new FatalException(
                            EngineErrorCode.CHECKPOINT_CORRUPT,
                            "Cannot restore " + owner + " from " + handle.path() + ": its file " + file.path()
                                    + " is missing from " + storage.describe(),
                            e);
                }
                throw e;
            }
            long size = size(local);
            if (size != file.bytes()) {
                throw new FatalException(
                        EngineErrorCode.CHECKPOINT_CORRUPT,
                        "Cannot restore " + owner + " from " + handle.path() + ": its file " + file.path() + " has "
                                + size + " bytes, the checkpoint lists " + file.bytes());
            }
        }
    }

    private long size(Path local) {
        try {
            return Files.size(local);
        } catch (IOException e) {
            throw RocksDbStore.failure(owner, local, "read the size of a restored file of", e);
        }
    }

    /**
     * Opens a downloaded snapshot. RocksDB reads every SST file's footer and index when it opens
     * them, so a damaged file is found here; the error names it as it is in checkpoint storage.
     */
    private RocksDbStore openDownloaded(KeyedStateHandle handle, Path directory) {
        try {
            return RocksDbStore.open(owner, directory, resources);
        } catch (FatalException e) {
            // only RocksDB's verdict that a file is damaged: a local failure (a full disk) stays what it is
            if (!(e.getCause() instanceof RocksDBException rocks)
                    || rocks.getStatus() == null
                    || rocks.getStatus().getCode() != Status.Code.Corruption) {
                throw e;
            }
            String reason = rocks.getMessage();
            for (StateFile file : filesOf(handle)) {
                if (reason != null && reason.contains(file.name())) {
                    throw new FatalException(
                            EngineErrorCode.CHECKPOINT_CORRUPT,
                            "Cannot restore " + owner + " from " + handle.path() + ": its file " + file.path()
                                    + " is damaged: " + reason,
                            e);
                }
            }
            throw new FatalException(
                    EngineErrorCode.CHECKPOINT_CORRUPT,
                    "Cannot restore " + owner + " from " + handle.path() + ": its files are damaged: " + reason,
                    e);
        }
    }

    private static List<StateFile> filesOf(KeyedStateHandle handle) {
        List<StateFile> files = new ArrayList<>(handle.sharedFiles());
        files.addAll(handle.privateFiles());
        return files;
    }

    /** Deletes every key group outside this backend's range from a database restored whole. */
    private void keepOnlyOwnKeyGroups(RocksDbStore store) {
        byte[] first = RocksDbKeys.keyGroupStart(0);
        byte[] start = RocksDbKeys.keyGroupStart(range.start());
        byte[] end = RocksDbKeys.keyGroupStart(range.end());
        byte[] bound = RocksDbKeys.keyGroupBound();
        List<byte[]> others = new ArrayList<>();
        if (range.start() > 0) {
            others.add(first);
            others.add(start);
        }
        if (range.end() < RocksDbKeys.MAX_KEY_GROUPS) {
            others.add(end);
            others.add(bound);
        }
        try {
            for (ColumnFamilyHandle column : store.states().values()) {
                // whole files first (cheap), then what is left in files that straddle the range
                store.database().deleteFilesInRanges(column, others, false);
                for (int i = 0; i < others.size(); i += 2) {
                    store.database().deleteRange(column, store.writeOptions(), others.get(i), others.get(i + 1));
                }
            }
            try (WriteBatch foreignTimers = new WriteBatch();
                    RocksIterator timers = store.iterator(store.timers())) {
                for (timers.seekToFirst(); timers.isValid(); timers.next()) {
                    byte[] timer = timers.key();
                    if (!range.contains(RocksDbKeys.timerKeyGroup(timer))) {
                        foreignTimers.delete(store.timers(), timer);
                    }
                }
                store.database().write(store.writeOptions(), foreignTimers);
            }
        } catch (RocksDBException e) {
            throw store.failure("delete other subtasks' key groups from", e);
        }
    }

    /** Copies {@code source}'s live entries and timers in this backend's key groups into {@code target}. */
    private void copy(RocksDbStore source, KeyGroupRange sourceRange, RocksDbStore target) {
        int from = Math.max(range.start(), sourceRange.start());
        int to = Math.min(range.end(), sourceRange.end());
        long now = clock.millis();
        Map<String, StateMeta> metas = source.metas();
        try (WriteBatch batch = new WriteBatch()) {
            for (Map.Entry<String, ColumnFamilyHandle> state : source.states().entrySet()) {
                String name = state.getKey();
                StateMeta meta = metas.get(name);
                ColumnFamilyHandle column = targetColumn(target, name, meta);
                try (RocksIterator entries = source.iterator(state.getValue())) {
                    for (entries.seek(RocksDbKeys.keyGroupStart(from)); entries.isValid(); entries.next()) {
                        byte[] key = entries.key();
                        if (RocksDbKeys.keyGroupOf(key) >= to) {
                            break;
                        }
                        byte[] value = entries.value();
                        if (meta == null || !RocksDbValues.expired(meta, value, now)) {
                            batch.put(column, key, value);
                            writeIfFull(target, batch);
                        }
                    }
                }
            }
            try (RocksIterator timers = source.iterator(source.timers())) {
                for (timers.seekToFirst(); timers.isValid(); timers.next()) {
                    byte[] timer = timers.key();
                    if (range.contains(RocksDbKeys.timerKeyGroup(timer))) {
                        batch.put(target.timers(), timer, timers.value());
                        writeIfFull(target, batch);
                    }
                }
            }
            target.database().write(target.writeOptions(), batch);
        } catch (RocksDBException e) {
            throw target.failure("copy restored key groups " + sourceRange + " into", e);
        }
    }

    private static ColumnFamilyHandle targetColumn(RocksDbStore target, String name, StateMeta meta) {
        StateMeta existing = target.meta(name);
        if (meta != null
                && existing != null
                && (existing.kind() != meta.kind() || existing.serializerVersion() != meta.serializerVersion())) {
            throw new FatalException(
                    EngineErrorCode.CHECKPOINT_CORRUPT,
                    "Cannot restore state '" + name + "' into " + target.directory() + ": one snapshot stored it"
                            + " as a " + existing.kind() + " state with serializer version "
                            + existing.serializerVersion() + ", another as a " + meta.kind() + " state with version "
                            + meta.serializerVersion());
        }
        if (existing == null && meta != null) {
            target.putMeta(name, meta);
        }
        ColumnFamilyHandle column = target.state(name);
        return column != null ? column : target.createState(name);
    }

    private static void writeIfFull(RocksDbStore target, WriteBatch batch) throws RocksDBException {
        if (batch.getDataSize() >= BATCH_BYTES) {
            target.database().write(target.writeOptions(), batch);
            batch.clear();
        }
    }
}
