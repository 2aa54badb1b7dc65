package dev.floe.engine.checkpoint;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.config.CheckpointLocation;
import dev.floe.engine.config.S3ClientConfig;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Checkpoints in a bucket of S3 or an S3-compatible store: {@code <prefix><pipeline>/chk-<id>/_metadata}
 * plus attachments beside it. A PUT makes a whole object visible at once or not at all, so every
 * attachment is written first and the metadata last: a checkpoint is complete exactly when its
 * {@code _metadata} object exists, and {@link #latest()} lists only those. State files shared
 * between checkpoints are under {@code <prefix><pipeline>/shared/}.
 */
public final class S3CheckpointStorage implements CheckpointStorage {
    private static final Logger LOG = LoggerFactory.getLogger(S3CheckpointStorage.class);
    private static final Pattern CHECKPOINT_KEY = Pattern.compile("chk-(\\d+)/(.+)");
    /** The most keys one DeleteObjects request takes. */
    private static final int DELETE_BATCH = 1000;

    private final S3Client client;
    private final String bucket;
    /** The pipeline's key prefix, ending in '/'. */
    private final String prefix;

    private final AtomicBoolean closed = new AtomicBoolean();
    /** Metadata of completed checkpoints read by retain, by id; used from the coordinator's thread. */
    private final Map<Long, StoredCheckpoint> metadata = new HashMap<>();

    public S3CheckpointStorage(CheckpointLocation.S3 location, String pipelineId) {
        this.client = client(location.client());
        this.bucket = location.bucket();
        this.prefix = location.prefix() + pipelineId + "/";
    }

    private static S3Client client(S3ClientConfig config) {
        AwsCredentialsProvider credentials = config.accessKeyId() == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey()));
        // one HTTP client named explicitly: the SDK refuses to choose when several are on the class path
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(credentials)
                .forcePathStyle(config.pathStyleAccess());
        if (config.region() != null) {
            builder.region(Region.of(config.region()));
        }
        if (config.endpoint() != null) {
            builder.endpointOverride(config.endpoint());
        }
        try {
            return builder.build();
        } catch (SdkException e) {
            throw new FatalException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED,
                    "Cannot create the S3 client of checkpoint storage " + config + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public Optional<StoredCheckpoint> latest() {
        for (Map.Entry<Long, Set<String>> checkpoint : listCheckpoints().entrySet()) {
            if (!checkpoint.getValue().contains(LocalCheckpointStorage.METADATA)) {
                // a checkpoint that never completed: its metadata is written last
                continue;
            }
            String key = prefix + attachmentPath(checkpoint.getKey(), LocalCheckpointStorage.METADATA);
            return Optional.of(decode(key, get(key, "read checkpoint")));
        }
        return Optional.empty();
    }

    @Override
    public void store(StoredCheckpoint checkpoint, Map<String, byte[]> attachments) {
        for (Map.Entry<String, byte[]> attachment : attachments.entrySet()) {
            put(prefix + attachment.getKey(), attachment.getValue(), checkpoint.checkpointId());
        }
        put(
                prefix + attachmentPath(checkpoint.checkpointId(), LocalCheckpointStorage.METADATA),
                CheckpointMetadataCodec.encode(checkpoint),
                checkpoint.checkpointId());
    }

    @Override
    public byte[] read(String path) {
        return get(prefix + path, "read checkpoint file");
    }

    @Override
    public void write(String path, byte[] bytes) {
        // an S3 PUT is atomic: the object appears whole or not at all
        try {
            client.putObject(request -> request.bucket(bucket).key(prefix + path), RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw new RetriableException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED,
                    "Cannot write checkpoint file " + location(prefix + path) + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public void writeFile(String path, Path source) {
        // an S3 PUT is atomic: the object appears whole or not at all
        try {
            client.putObject(request -> request.bucket(bucket).key(prefix + path), RequestBody.fromFile(source));
        } catch (SdkException | UncheckedIOException e) {
            throw new RetriableException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED,
                    "Cannot write checkpoint file " + location(prefix + path) + " from " + source + ": "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public void readFile(String path, Path target) {
        Path temporary = target.resolveSibling(target.getFileName() + ".download");
        try {
            Files.deleteIfExists(temporary);
            client.getObject(
                    request -> request.bucket(bucket).key(prefix + path), ResponseTransformer.toFile(temporary));
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchKeyException e) {
            throw new RetriableException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED,
                    "Cannot read checkpoint file " + location(prefix + path) + ": the object does not exist",
                    e);
        } catch (SdkException | IOException | UncheckedIOException e) {
            throw new RetriableException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED,
                    "Cannot read checkpoint file " + location(prefix + path) + " into " + target + ": "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public boolean exists(String path) {
        try {
            client.headObject(request -> request.bucket(bucket).key(prefix + path));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw new RetriableException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED,
                    "Cannot look for checkpoint file " + location(prefix + path) + ": " + e.getMessage(),
                    e);
        } catch (SdkException e) {
            throw new RetriableException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED,
                    "Cannot look for checkpoint file " + location(prefix + path) + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public void delete(Collection<String> paths) {
        deleteKeys(paths.stream().map(path -> prefix + path).toList());
    }

    @Override
    public String attachmentPath(long checkpointId, String name) {
        return "chk-" + checkpointId + "/" + name;
    }

    @Override
    public void retain(int keep, Set<String> referenced) {
        int completed = 0;
        List<String> obsolete = new ArrayList<>();
        List<Long> kept = new ArrayList<>();
        List<Long> deleted = new ArrayList<>();
        for (Map.Entry<Long, Set<String>> checkpoint : listCheckpoints().entrySet()) {
            long id = checkpoint.getKey();
            boolean isCompleted = checkpoint.getValue().contains(LocalCheckpointStorage.METADATA);
            if (isCompleted && completed < keep) {
                completed++;
                kept.add(id);
                continue;
            }
            String folder = "chk-" + id + "/";
            if (referenced.stream().anyMatch(path -> path.startsWith(folder))) {
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
            for (String name : checkpoint.getValue()) {
                obsolete.add(prefix + folder + name);
            }
        }
        // what the deleted checkpoints release is known only while their metadata exists
        Set<String> released = releasedSharedFiles(deleted, kept);
        deleteKeys(obsolete);
        delete(released);
        metadata.keySet().retainAll(kept);
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
                deletedCheckpoints.add(metadata(id));
            }
            for (long id : kept) {
                keptCheckpoints.add(metadata(id));
            }
        } catch (RuntimeException e) {
            // without every list, a shared file still in use could be deleted: keep them all for now
            LOG.warn("Cannot work out which shared state files of {} are unused: {}", describe(), e.getMessage());
            return Set.of();
        }
        return SharedStateFiles.released(deletedCheckpoints, keptCheckpoints);
    }

    /** Checkpoint {@code id}'s metadata, read once: a completed checkpoint never changes. */
    private StoredCheckpoint metadata(long id) {
        StoredCheckpoint known = metadata.get(id);
        if (known != null) {
            return known;
        }
        String key = prefix + attachmentPath(id, LocalCheckpointStorage.METADATA);
        StoredCheckpoint read = decode(key, get(key, "read checkpoint"));
        metadata.put(id, read);
        return read;
    }

    private StoredCheckpoint decode(String key, byte[] bytes) {
        try {
            return CheckpointMetadataCodec.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new FatalException(
                    EngineErrorCode.CHECKPOINT_CORRUPT,
                    "Cannot read checkpoint " + location(key) + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public String describe() {
        return "s3://" + bucket + "/" + prefix;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            client.close();
        }
    }

    /** The checkpoints in the bucket, newest first, each with the names of its objects. */
    private TreeMap<Long, Set<String>> listCheckpoints() {
        TreeMap<Long, Set<String>> checkpoints = new TreeMap<>(Comparator.reverseOrder());
        try {
            for (S3Object object : client.listObjectsV2Paginator(
                            request -> request.bucket(bucket).prefix(prefix + "chk-"))
                    .contents()) {
                Matcher matcher = CHECKPOINT_KEY.matcher(object.key().substring(prefix.length()));
                if (matcher.matches()) {
                    checkpoints
                            .computeIfAbsent(Long.parseLong(matcher.group(1)), id -> new TreeSet<>())
                            .add(matcher.group(2));
                }
            }
        } catch (SdkException e) {
            throw new RetriableException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED,
                    "Cannot list checkpoints in " + describe() + ": " + e.getMessage(),
                    e);
        }
        return checkpoints;
    }

    private void put(String key, byte[] bytes, long checkpointId) {
        try {
            client.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw new RetriableException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED,
                    "Cannot store checkpoint " + checkpointId + " in " + location(key) + ": " + e.getMessage(),
                    e);
        }
    }

    private byte[] get(String key, String action) {
        try {
            return client.getObjectAsBytes(request -> request.bucket(bucket).key(key))
                    .asByteArray();
        } catch (NoSuchKeyException e) {
            throw new RetriableException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED,
                    "Cannot " + action + " " + location(key) + ": the object does not exist",
                    e);
        } catch (SdkException e) {
            throw new RetriableException(
                    EngineErrorCode.CHECKPOINT_STORAGE_FAILED,
                    "Cannot " + action + " " + location(key) + ": " + e.getMessage(),
                    e);
        }
    }

    private void deleteKeys(List<String> keys) {
        for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
            List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH)).stream()
                    .map(key -> ObjectIdentifier.builder().key(key).build())
                    .toList();
            try {
                client.deleteObjects(request -> request.bucket(bucket)
                                .delete(Delete.builder()
                                        .objects(batch)
                                        .quiet(true)
                                        .build()))
                        .errors()
                        .forEach(error -> LOG.warn(
                                "Cannot delete old checkpoint object {}: {}", location(error.key()), error.message()));
            } catch (SdkException e) {
                // the next retain tries again; an old checkpoint left behind costs only space
                LOG.warn("Cannot delete {} old checkpoint objects in {}: {}", batch.size(), describe(), e.toString());
            }
        }
    }

    private String location(String key) {
        return "s3://" + bucket + "/" + key;
    }
}
