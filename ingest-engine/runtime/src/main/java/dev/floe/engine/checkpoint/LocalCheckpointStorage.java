package dev.floe.engine.checkpoint;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints in a local directory: {@code <root>/<pipeline>/chk-<id>/_metadata} plus attachments,
 * and state files shared between checkpoints under {@code <root>/<pipeline>/shared/}.
 * Every file is written to a temporary name, forced to disk and renamed, and the directory is
 * forced after the rename, so a crash leaves either the whole file or none.
 */
public final class LocalCheckpointStorage implements CheckpointStorage {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCheckpointStorage.class);
    private static final Pattern CHECKPOINT_DIR = Pattern.compile("chk-(\\d+)");
    static final String METADATA = "_metadata";

    private final Path directory;

    public LocalCheckpointStorage(Path root, String pipelineId) {
        this.directory = root.resolve(pipelineId);
    }

    @Override
    public Optional<StoredCheckpoint> latest() {
        for (long id : checkpointIds()) {
            Optional<StoredCheckpoint> checkpoint = readMetadata(id);
            if (checkpoint.isPresent()) {
                return checkpoint;
            }
        }
        return Optional.empty();
    }

    /** Checkpoint {@code id}'s metadata, or empty when it never completed (its metadata is written last). */
    private Optional<StoredCheckpoint> readMetadata(long id) {
        Path metadata = checkpointDirectory(id).resolve(METADATA);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(metadata);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RetriableException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED, "Cannot read checkpoint " + metadata + ": " + e, e);
        }
        try {
            return Optional.of(CheckpointMetadataCodec.decode(bytes));
        } catch (IllegalArgumentException e) {
            throw new FatalException(
                    EngineErrorCode.CHECKPOINT_CORRUPT,
                    "Cannot read checkpoint " + metadata + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public void store(StoredCheckpoint checkpoint, Map<String, byte[]> attachments) {
        Path target = checkpointDirectory(checkpoint.checkpointId());
        try {
            Files.createDirectories(target);
            for (Map.Entry<String, byte[]> attachment : attachments.entrySet()) {
                writeAtomically(directory.resolve(attachment.getKey()), attachment.getValue());
            }
            writeAtomically(target.resolve(METADATA), CheckpointMetadataCodec.encode(checkpoint));
        } catch (IOException e) {
            throw new RetriableException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED,
                    "Cannot store checkpoint " + checkpoint.checkpointId() + " in " + target + ": " + e,
                    e);
        }
    }

    @Override
    public byte[] read(String path) {
        Path file = directory.resolve(path);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new RetriableException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED, "Cannot read checkpoint file " + file + ": " + e, e);
        }
    }

    @Override
    public void write(String path, byte[] bytes) {
        Path file = directory.resolve(path);
        try {
            writeAtomically(file, bytes);
        } catch (IOException e) {
            throw new RetriableException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED, "Cannot write checkpoint file " + file + ": " + e, e);
        }
    }

    @Override
    public void writeFile(String path, Path source) {
        Path file = directory.resolve(path);
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                    FileChannel out = FileChannel.open(
                            temporary,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE)) {
                long size = in.size();
                long position = 0;
                while (position < size) {
                    position += in.transferTo(position, size - position, out);
                }
                out.force(true);
            }
            moveAtomically(temporary, file);
        } catch (IOException e) {
            throw new RetriableException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED,
                    "Cannot write checkpoint file " + file + " from " + source + ": " + e,
                    e);
        }
    }

    @Override
    public void readFile(String path, Path target) {
        Path file = directory.resolve(path);
        try {
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new RetriableException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED,
                    "Cannot read checkpoint file " + file + " into " + target + ": " + e,
                    e);
        }
    }

    @Override
    public Optional<Path> localFile(String path) {
        return Optional.of(directory.resolve(path));
    }

    @Override
    public boolean exists(String path) {
        return Files.isRegularFile(directory.resolve(path));
    }

    @Override
    public void delete(Collection<String> paths) {
        for (String path : paths) {
            Path file = directory.resolve(path);
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("Cannot delete checkpoint file {}: {}", file, e.toString());
            }
        }
    }

    @Override
    public String attachmentPath(long checkpointId, String name) {
        return "chk-" + checkpointId + "/" + name;
    }

    @Override
    public void retain(int keep, Set<String> referenced) {
        List<Long> ids = checkpointIds();
        int completed = 0;
        List<Long> obsolete = new ArrayList<>();
        List<Long> kept = new ArrayList<>();
        List<Long> deleted = new ArrayList<>();
        for (long id : ids) {
            Path dir = checkpointDirectory(id);
            boolean isCompleted = Files.exists(dir.resolve(METADATA));
            if (isCompleted && completed < keep) {
                completed++;
                kept.add(id);
                continue;
            }
            String prefix = "chk-" + id + "/";
            if (referenced.stream().anyMatch(path -> path.startsWith(prefix))) {
                if (isCompleted) {
                    kept.add(id);
                }
                continue;
            }
            if (!isCompleted && completed == 0) {
                // newer than every completed checkpoint: may be one in progress
                continue;
            }
            if (isCompleted) {
                deleted.add(id);
            }
            obsolete.add(id);
        }
        // what the deleted checkpoints release is known only while their metadata exists
        Set<String> released = releasedSharedFiles(deleted, kept);
        for (long id : obsolete) {
            deleteRecursively(checkpointDirectory(id));
        }
        delete(released);
    }

    /** The shared files only {@code deleted} list; none when any metadata cannot be read. */
    private Set<String> releasedSharedFiles(List<Long> deleted, List<Long> kept) {
        if (deleted.isEmpty()) {
            return Set.of();
        }
        List<StoredCheckpoint> deletedCheckpoints = new ArrayList<>();
        List<StoredCheckpoint> keptCheckpoints = new ArrayList<>();
        try {
            for (long id : deleted) {
                deletedCheckpoints.add(readMetadata(id).orElseThrow());
            }
            for (long id : kept) {
                keptCheckpoints.add(readMetadata(id).orElseThrow());
            }
        } catch (RuntimeException e) {
            // without every list, a shared file still in use could be deleted: keep them all for now
            LOG.warn("Cannot work out which shared state files of {} are unused: {}", directory, e.getMessage());
            return Set.of();
        }
        return SharedStateFiles.released(deletedCheckpoints, keptCheckpoints);
    }

    @Override
    public String describe() {
        return directory.toString();
    }

    /** Checkpoint ids present on disk, newest first. */
    private List<Long> checkpointIds() {
        List<Long> ids = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return ids;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                Matcher matcher = CHECKPOINT_DIR.matcher(entry.getFileName().toString());
                if (matcher.matches() && Files.isDirectory(entry)) {
                    ids.add(Long.parseLong(matcher.group(1)));
                }
            }
        } catch (IOException e) {
            throw new RetriableException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED, "Cannot list checkpoints in " + directory + ": " + e, e);
        }
        ids.sort(Comparator.reverseOrder());
        return ids;
    }

    private Path checkpointDirectory(long id) {
        return directory.resolve("chk-" + id);
    }

    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(
                temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        moveAtomically(temporary, file);
    }

    private static void moveAtomically(Path temporary, Path file) throws IOException {
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + file + " cannot rename atomically", e);
        }
        forceDirectory(file.getParent());
    }

    private static void forceDirectory(Path directory) throws IOException {
        // makes the rename itself durable; some file systems cannot open directories, which is fine
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debug("Cannot force directory {}: {}", directory, e.toString());
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.warn("Cannot delete old checkpoint file {}: {}", path, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.warn("Cannot delete old checkpoint {}: {}", dir, e.toString());
        }
    }
}
