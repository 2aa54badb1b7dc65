package dev.floe.engine.checkpoint;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.config.CheckpointLocation;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.state.KeyedStateHandle;
import dev.floe.engine.state.StateFile;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a committed checkpoint as a savepoint: a copy that needs nothing of the pipeline's
 * checkpoint storage. Shared state files (which retention deletes once no retained checkpoint lists
 * them) become the savepoint's own files; between two local directories a file is hard-linked when
 * the file system allows, which is safe because state files are immutable once written. The
 * descriptor is written first and the checkpoint metadata last, so a savepoint with metadata is
 * whole.
 */
public final class SavepointWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SavepointWriter.class);

    private final CheckpointLocation directory;
    private final String keyedStage;
    private final int parallelism;
    private final Clock clock;

    /**
     * @param directory where the savepoint's folder is created
     * @param keyedStage what the pipeline's keyed stage is, for the descriptor
     * @param parallelism the pipeline's parallelism now, for the descriptor
     */
    public SavepointWriter(CheckpointLocation directory, String keyedStage, int parallelism, Clock clock) {
        this.directory = directory;
        this.keyedStage = keyedStage;
        this.parallelism = parallelism;
        this.clock = clock;
    }

    /**
     * Writes {@code checkpoint}, whose files are in {@code from}, as a new savepoint.
     *
     * @return where it is
     */
    public SavepointLocation write(StoredCheckpoint checkpoint, CheckpointStorage from) {
        String name = "savepoint-" + checkpoint.pipelineId() + "-" + checkpoint.checkpointId() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        SavepointLocation location = new SavepointLocation(directory, name);
        long started = System.nanoTime();
        StoredCheckpoint contained = selfContained(checkpoint);
        try (CheckpointStorage to = location.open()) {
            if (to.exists(SavepointDescriptorCodec.FILE)) {
                throw new FatalException(
                        EngineErrorCode.SAVEPOINT_FAILED,
                        "Cannot write savepoint " + location.describe() + ": it exists already");
            }
            SavepointDescriptor descriptor = new SavepointDescriptor(
                    checkpoint.pipelineId(),
                    checkpoint.checkpointId(),
                    clock.instant(),
                    keyedStage,
                    checkpoint.maxParallelism(),
                    parallelism);
            to.write(SavepointDescriptorCodec.FILE, SavepointDescriptorCodec.encode(descriptor));
            long bytes = 0;
            for (int i = 0; i < checkpoint.keyedState().size(); i++) {
                KeyedStateHandle original = checkpoint.keyedState().get(i);
                KeyedStateHandle copy = contained.keyedState().get(i);
                if (original.sharedFiles().isEmpty() && original.privateFiles().isEmpty()) {
                    copy(from, original.path(), to, copy.path());
                } else {
                    List<StateFile> sources = new ArrayList<>(original.sharedFiles());
                    sources.addAll(original.privateFiles());
                    for (StateFile source : sources) {
                        copy(from, source.path(), to, copy.path() + "/" + source.name());
                    }
                }
                bytes += original.bytes();
            }
            to.store(contained, Map.of());
            LOG.info(
                    "Savepoint of checkpoint {} of pipeline {} written to {} in {} ms ({} bytes of keyed state)",
                    checkpoint.checkpointId(),
                    checkpoint.pipelineId(),
                    location.describe(),
                    (System.nanoTime() - started) / 1_000_000,
                    bytes);
            return location;
        }
    }

    /**
     * {@code checkpoint} as a savepoint holds it: every state file its own, below its handle's path
     * (a RocksDB snapshot's files have distinct names), and no dead letters, which were all delivered
     * before the checkpoint counted as committed.
     */
    static StoredCheckpoint selfContained(StoredCheckpoint checkpoint) {
        List<KeyedStateHandle> handles = new ArrayList<>();
        for (KeyedStateHandle handle : checkpoint.keyedState()) {
            if (handle.sharedFiles().isEmpty() && handle.privateFiles().isEmpty()) {
                handles.add(handle);
                continue;
            }
            List<StateFile> own = new ArrayList<>();
            for (StateFile file : handle.sharedFiles()) {
                own.add(new StateFile(file.name(), handle.path() + "/" + file.name(), file.bytes()));
            }
            for (StateFile file : handle.privateFiles()) {
                own.add(new StateFile(file.name(), handle.path() + "/" + file.name(), file.bytes()));
            }
            handles.add(new KeyedStateHandle(
                    handle.backend(), handle.path(), handle.keyGroups(), handle.bytes(), List.of(), own));
        }
        return new StoredCheckpoint(
                checkpoint.pipelineId(),
                checkpoint.checkpointId(),
                checkpoint.timestamp(),
                checkpoint.offsets(),
                checkpoint.startOffsets(),
                checkpoint.sinkState(),
                List.of(),
                checkpoint.maxParallelism(),
                handles);
    }

    private static void copy(CheckpointStorage from, String source, CheckpointStorage to, String target) {
        Optional<Path> local = from.localFile(source);
        Optional<Path> linked = to.localFile(target);
        if (local.isPresent() && linked.isPresent() && link(local.get(), linked.get())) {
            return;
        }
        if (local.isPresent()) {
            to.writeFile(target, local.get());
            return;
        }
        Path temporary;
        try {
            temporary = Files.createTempFile("floe-savepoint-", ".tmp");
        } catch (IOException e) {
            throw new RetriableException(
                    EngineErrorCode.SAVEPOINT_FAILED,
                    "Cannot copy " + source + " of " + from.describe() + " into a savepoint: no temporary file: " + e,
                    e);
        }
        try {
            from.readFile(source, temporary);
            to.writeFile(target, temporary);
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                LOG.warn("Cannot delete temporary file {}: {}", temporary, e.toString());
            }
        }
    }

    /** Hard-links {@code source} as {@code target}; false when the file system cannot (then it is copied). */
    private static boolean link(Path source, Path target) {
        try {
            Files.createDirectories(target.getParent());
            Files.createLink(target, source);
            return true;
        } catch (FileAlreadyExistsException e) {
            throw new FatalException(
                    EngineErrorCode.SAVEPOINT_FAILED,
                    "Cannot write savepoint file " + target + ": it exists already",
                    e);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("Cannot hard-link {} as {}, copying it: {}", source, target, e.toString());
            return false;
        }
    }
}
