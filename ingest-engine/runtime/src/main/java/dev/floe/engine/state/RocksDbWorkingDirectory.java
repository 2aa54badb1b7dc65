package dev.floe.engine.state;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.spi.error.FatalException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local directories of a pipeline's RocksDB backends: {@code <state directory>/<pipeline>/
 * <process id>-<random>/<subtask>}. Nothing in them outlives the process that made them (a restart
 * restores from checkpoint storage), so a directory left by a process that no longer runs (killed,
 * say) is deleted when the pipeline starts again.
 */
final class RocksDbWorkingDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(RocksDbWorkingDirectory.class);
    private static final Pattern PROCESS_DIRECTORY = Pattern.compile("(\\d+)-[0-9a-f]{8}");

    private RocksDbWorkingDirectory() {}

    /** A new directory for this process's backends of a pipeline, after deleting dead processes' ones. */
    static Path create(Path stateDirectory, String pipelineId) {
        Path pipeline = stateDirectory.resolve(pipelineId);
        deleteAbandoned(pipeline);
        Path directory = pipeline.resolve(ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new FatalException(
                    EngineErrorCode.STATE_BACKEND_FAILED,
                    "Cannot create the state directory " + directory + " of pipeline " + pipelineId + ": " + e,
                    e);
        }
        return directory;
    }

    private static void deleteAbandoned(Path pipeline) {
        if (!Files.isDirectory(pipeline)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(pipeline)) {
            for (Path entry : entries) {
                Matcher matcher = PROCESS_DIRECTORY.matcher(entry.getFileName().toString());
                if (!matcher.matches()) {
                    continue;
                }
                Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(matcher.group(1)));
                if (process.isEmpty() || !process.get().isAlive()) {
                    LOG.info("Deleting state directory {} of a process that no longer runs", entry);
                    deleteRecursively(entry);
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot look for abandoned state directories in {}: {}", pipeline, e.toString());
        }
    }

    /** Deletes {@code directory} and everything in it; what cannot be deleted is logged and left. */
    static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.warn("Cannot delete state file {}: {}", path, e.toString());
                }
            });
        } catch (NoSuchFileException e) {
            // deleted meanwhile
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warn("Cannot delete state directory {}: {}", directory, e.toString());
        }
    }
}
