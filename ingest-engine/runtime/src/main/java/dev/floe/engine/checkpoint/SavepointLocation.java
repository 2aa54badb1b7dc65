package dev.floe.engine.checkpoint;

import dev.floe.engine.config.CheckpointLocation;
import dev.floe.engine.config.S3ClientConfig;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Objects;

/**
 * Where one savepoint is: the directory (or S3 prefix) holding it and its own folder's name there.
 * A savepoint is stored like a pipeline's checkpoint storage with a single checkpoint: {@code
 * <directory>/<name>/_savepoint}, {@code <name>/chk-<id>/_metadata} and the state files below it.
 *
 * @param directory where the savepoint's folder is
 * @param name the folder's name
 */
public record SavepointLocation(CheckpointLocation directory, String name) {
    public SavepointLocation {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("savepoint folder name '" + name + "' must be a plain name");
        }
    }

    /**
     * The savepoint at {@code path}: a local path, a file:// URI, or an s3:// URI, reached with the
     * S3 client of {@code checkpoints} when that is on S3, else with the AWS SDK's defaults.
     *
     * @throws IllegalArgumentException naming the path when it is none of these
     */
    public static SavepointLocation parse(String path, CheckpointLocation checkpoints) {
        String trimmed = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        if (trimmed.startsWith("s3://")) {
            String rest = trimmed.substring("s3://".length());
            int slash = rest.lastIndexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException(
                        "savepoint path '" + path + "' names a bucket, not a savepoint in it");
            }
            String bucketAndPrefix = rest.substring(0, slash);
            return new SavepointLocation(directory("s3://" + bucketAndPrefix, checkpoints), rest.substring(slash + 1));
        }
        Path local = local(trimmed).normalize();
        if (local.getParent() == null || local.getFileName() == null) {
            throw new IllegalArgumentException("savepoint path '" + path + "' is not a savepoint's folder");
        }
        return new SavepointLocation(
                new CheckpointLocation.Local(local.getParent()),
                local.getFileName().toString());
    }

    /**
     * A directory to take savepoints into: a local path, a file:// URI, or s3://bucket/prefix.
     *
     * @throws IllegalArgumentException naming the target when it is none of these
     */
    public static CheckpointLocation directory(String target, CheckpointLocation checkpoints) {
        if (target.startsWith("s3://")) {
            String rest = target.substring("s3://".length());
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            String prefix = slash < 0 ? "" : rest.substring(slash + 1);
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new IllegalArgumentException("'" + bucket + "' in savepoint target '" + target
                        + "' is not a bucket name (3 to 63 lower-case letters, digits, '.' and '-')");
            }
            if (!prefix.isEmpty() && !prefix.endsWith("/")) {
                prefix += "/";
            }
            S3ClientConfig client = checkpoints instanceof CheckpointLocation.S3 s3
                    ? s3.client()
                    : new S3ClientConfig(null, null, false, null, null);
            return new CheckpointLocation.S3(bucket, prefix, client);
        }
        return new CheckpointLocation.Local(local(target));
    }

    private static Path local(String path) {
        if (path.startsWith("file:")) {
            return Paths.get(URI.create(path)).toAbsolutePath();
        }
        if (path.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new IllegalArgumentException(
                    "savepoint location '" + path + "' is neither a local path (or file:// URI) nor an s3:// URI");
        }
        return Paths.get(path).toAbsolutePath();
    }

    /** The savepoint's own storage. */
    public CheckpointStorage open() {
        return CheckpointStorage.open(directory, name);
    }

    /** The savepoint's path, as a user passes it to {@code --from-savepoint}. */
    public String describe() {
        if (directory instanceof CheckpointLocation.Local local) {
            return local.directory().resolve(name).toString();
        }
        return directory.describe() + name;
    }
}
