package dev.floe.engine.state;

import dev.floe.engine.checkpoint.CheckpointStorage;
import dev.floe.engine.dataflow.KeyGroupRange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Incremental snapshots of one RocksDB backend. The synchronous part is RocksDB's native checkpoint
 * into {@code <working directory>/chk-<id>}: a flush, then hard links to the live SST files and
 * copies of the small metadata files. The upload runs on the executor: an SST file is immutable
 * and its name unique within the database, so one already uploaded (by an earlier snapshot, or
 * found in the restored checkpoint) is referenced again as a shared file instead of uploaded; new
 * SST files go to {@code shared/<owner>/<random>-<name>}; the other files, private to the
 * checkpoint, beside its metadata. The local checkpoint directory is deleted when its upload ends.
 *
 * <p>A file enters the set of uploaded files only once its upload succeeded, so a snapshot never
 * references a file another one is still writing.
 */
final class RocksDbSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(RocksDbSnapshots.class);

    private final String owner;
    private final KeyGroupRange range;
    private final Executor uploads;
    private final Path workingDirectory;
    /** SST files in storage, by local name. */
    private final Map<String, StateFile> uploaded = new ConcurrentHashMap<>();

    private volatile long newestSnapshot;
    private int inFlight;
    private boolean closed;
    private long lastStallNanos;

    RocksDbSnapshots(String owner, KeyGroupRange range, Executor uploads, Path workingDirectory) {
        this.owner = owner;
        this.range = range;
        this.uploads = uploads;
        this.workingDirectory = workingDirectory;
    }

    /** The shared files of a restored snapshot are in storage already: the next snapshot reuses them. */
    void restoredFrom(List<StateFile> sharedFiles) {
        uploaded.clear();
        for (StateFile file : sharedFiles) {
            uploaded.put(file.name(), file);
        }
    }

    /** How long the synchronous part of the latest snapshot took, in nanoseconds. */
    long lastStallNanos() {
        return lastStallNanos;
    }

    CompletableFuture<KeyedStateHandle> snapshot(RocksDbStore store, long checkpointId, CheckpointStorage storage) {
        Path local = workingDirectory.resolve("chk-" + checkpointId);
        RocksDbWorkingDirectory.deleteRecursively(local);
        long start = System.nanoTime();
        store.checkpoint(local);
        lastStallNanos = System.nanoTime() - start;
        newestSnapshot = checkpointId;
        synchronized (this) {
            inFlight++;
        }
        LOG.debug("Snapshot {} of {}: native checkpoint in {} ms", checkpointId, owner, lastStallNanos / 1_000_000.0);
        return CompletableFuture.supplyAsync(() -> upload(checkpointId, local, storage), uploads)
                .whenComplete((handle, error) -> finished(local));
    }

    private KeyedStateHandle upload(long checkpointId, Path local, CheckpointStorage storage) {
        String privateDirectory = storage.attachmentPath(checkpointId, "state/" + owner);
        List<StateFile> shared = new ArrayList<>();
        List<StateFile> own = new ArrayList<>();
        Set<String> names = new HashSet<>();
        long total = 0;
        long sent = 0;
        for (Path file : files(local)) {
            String name = file.getFileName().toString();
            long size = size(file);
            names.add(name);
            total += size;
            if (name.endsWith(".sst")) {
                StateFile known = uploaded.get(name);
                if (known != null && known.bytes() == size) {
                    shared.add(known);
                    continue;
                }
                StateFile sharedFile =
                        new StateFile(name, "shared/" + owner + "/" + UUID.randomUUID() + "-" + name, size);
                storage.writeFile(sharedFile.path(), file);
                uploaded.put(name, sharedFile);
                shared.add(sharedFile);
            } else {
                StateFile privateFile = new StateFile(name, privateDirectory + "/" + name, size);
                storage.writeFile(privateFile.path(), file);
                own.add(privateFile);
            }
            sent += size;
        }
        if (checkpointId == newestSnapshot) {
            // files compacted away never come back: forget them
            uploaded.keySet().retainAll(names);
        }
        LOG.debug(
                "Snapshot {} of {}: {} bytes in {} files, {} bytes uploaded",
                checkpointId,
                owner,
                total,
                shared.size() + own.size(),
                sent);
        return new KeyedStateHandle(RocksDbKeyedStateBackend.NAME, privateDirectory, range, total, shared, own);
    }

    private List<Path> files(Path local) {
        try (Stream<Path> listing = Files.list(local)) {
            return listing.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the native checkpoint of " + owner + " in " + local, e);
        }
    }

    private long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the size of " + file + " of " + owner, e);
        }
    }

    private void finished(Path local) {
        RocksDbWorkingDirectory.deleteRecursively(local);
        boolean last;
        synchronized (this) {
            inFlight--;
            last = closed && inFlight == 0;
        }
        if (last) {
            RocksDbWorkingDirectory.deleteRecursively(workingDirectory);
        }
    }

    /** The backend closed: the working directory goes now, or when the last upload ends. */
    void close() {
        boolean idle;
        synchronized (this) {
            closed = true;
            idle = inFlight == 0;
        }
        if (idle) {
            RocksDbWorkingDirectory.deleteRecursively(workingDirectory);
        }
    }
}
