package dev.floe.it.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The largest completed checkpoint a pipeline still keeps in local checkpoint storage ({@code
 * <root>/<pipeline>/chk-<id>/}, complete once its {@code _metadata} exists): its files and bytes, and
 * the bytes of everything kept. The largest, not the newest: a bounded window run ends with every
 * window emitted, so its final checkpoint holds almost no state.
 *
 * @param name the largest completed checkpoint's directory, or "none"
 * @param bytes the bytes of its files
 * @param files how many files it has
 * @param keptBytes the bytes of every checkpoint directory still kept
 */
record CheckpointSize(String name, long bytes, long files, long keptBytes) {
    private static final Pattern CHECKPOINT = Pattern.compile("chk-(\\d+)");

    static CheckpointSize largest(Path pipelineDirectory) {
        if (!Files.isDirectory(pipelineDirectory)) {
            return new CheckpointSize("none", 0, 0, 0);
        }
        try (Stream<Path> children = Files.list(pipelineDirectory)) {
            List<Path> completed = children.filter(path ->
                            CHECKPOINT.matcher(path.getFileName().toString()).matches())
                    .filter(path -> Files.exists(path.resolve("_metadata")))
                    .toList();
            CheckpointSize largest = new CheckpointSize("none", 0, 0, bytes(pipelineDirectory));
            for (Path checkpoint : completed) {
                long size = bytes(checkpoint);
                if (size > largest.bytes()) {
                    try (Stream<Path> files = Files.walk(checkpoint)) {
                        long count = files.filter(Files::isRegularFile).count();
                        largest = new CheckpointSize(
                                checkpoint.getFileName().toString(), size, count, largest.keptBytes());
                    }
                }
            }
            return largest;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot measure the checkpoints in " + pipelineDirectory, e);
        }
    }

    private static long bytes(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(file -> {
                        try {
                            return Files.size(file);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .sum();
        }
    }
}
