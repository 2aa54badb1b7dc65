package dev.floe.it.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.checkpoint.CheckpointStorage;
import dev.floe.engine.checkpoint.StoredCheckpoint;
import dev.floe.engine.config.CheckpointLocation;
import dev.floe.engine.config.S3ClientConfig;
import dev.floe.engine.config.StateConfig;
import dev.floe.engine.dataflow.KeyGroupRange;
import dev.floe.engine.dataflow.KeyGroups;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.engine.spi.state.StateDescriptor;
import dev.floe.engine.spi.state.StateSerializers;
import dev.floe.engine.spi.state.ValueState;
import dev.floe.engine.state.KeyedStateBackend;
import dev.floe.engine.state.KeyedStateBackends;
import dev.floe.engine.state.KeyedStateHandle;
import dev.floe.engine.state.StateFile;
import dev.floe.it.servers.ExternalServers;
import dev.floe.it.servers.ExternalServersExtension;
import dev.floe.it.servers.S3Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Checkpoint storage on S3, against two independent S3-compatible stores. */
@ExtendWith(ExternalServersExtension.class)
class S3CheckpointStorageIT {
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private final ExternalServers servers;

    S3CheckpointStorageIT(ExternalServers servers) {
        this.servers = servers;
    }

    private static CheckpointLocation.S3 location(S3Store store, String bucket, String prefix) {
        return new CheckpointLocation.S3(
                bucket,
                prefix,
                new S3ClientConfig(
                        store.endpoint(), S3Store.REGION, true, S3Store.ACCESS_KEY_ID, S3Store.SECRET_ACCESS_KEY));
    }

    private static String newPrefix() {
        return "checkpoints-" + PREFIXES.incrementAndGet() + "/";
    }

    private static StoredCheckpoint checkpoint(long id, long offset) {
        SourcePartition partition = new SourcePartition("orders", 0);
        return new StoredCheckpoint(
                "orders",
                id,
                Instant.parse("2026-01-01T00:00:00Z").plusSeconds(id),
                SourceOffsets.of(Map.of(partition, offset)),
                SourceOffsets.of(Map.of(partition, offset - 10)),
                new StoredCheckpoint.SinkState(("pending files of " + id).getBytes(StandardCharsets.UTF_8)),
                List.of(new StoredCheckpoint.DeadLetterBatch(id, "chk-" + id + "/dead-letters", 1)),
                128,
                List.of());
    }

    private static Set<String> keys(S3Client client, String bucket, String prefix) {
        return client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key)
                .map(key -> key.substring(prefix.length()))
                .collect(Collectors.toSet());
    }

    @ParameterizedTest
    @EnumSource(S3Store.Kind.class)
    void storesAttachmentsThenMetadataAndReadsTheNewestBack(S3Store.Kind kind) {
        S3Store store = servers.store(kind);
        String bucket = store.createBucket("checkpoints");
        String prefix = newPrefix();
        try (CheckpointStorage storage = CheckpointStorage.open(location(store, bucket, prefix), "orders");
                S3Client client = store.client()) {
            assertThat(storage.latest()).isEmpty();
            for (long id = 1; id <= 3; id++) {
                String path = storage.attachmentPath(id, "dead-letters");
                storage.store(
                        checkpoint(id, id * 100), Map.of(path, ("letters " + id).getBytes(StandardCharsets.UTF_8)));
            }

            assertThat(storage.latest()).contains(checkpoint(3, 300));
            assertThat(new String(storage.read("chk-2/dead-letters"), StandardCharsets.UTF_8))
                    .isEqualTo("letters 2");
            assertThat(keys(client, bucket, prefix + "orders/"))
                    .containsExactlyInAnyOrder(
                            "chk-1/_metadata", "chk-1/dead-letters",
                            "chk-2/_metadata", "chk-2/dead-letters",
                            "chk-3/_metadata", "chk-3/dead-letters");
            assertThat(storage.describe()).isEqualTo("s3://" + bucket + "/" + prefix + "orders/");
        }
    }

    @ParameterizedTest
    @EnumSource(S3Store.Kind.class)
    void writesStateSnapshotsBesideTheirCheckpointAndDeletesThemWithIt(S3Store.Kind kind) {
        S3Store store = servers.store(kind);
        String bucket = store.createBucket("checkpoints");
        String prefix = newPrefix();
        try (CheckpointStorage storage = CheckpointStorage.open(location(store, bucket, prefix), "orders");
                S3Client client = store.client()) {
            byte[] state = "keyed state of subtask 0".getBytes(StandardCharsets.UTF_8);
            storage.write(storage.attachmentPath(1, "state/orders-0"), state);
            storage.store(checkpoint(1, 100), Map.of());
            storage.store(checkpoint(2, 200), Map.of());

            assertThat(storage.read("chk-1/state/orders-0")).isEqualTo(state);
            storage.retain(1, Set.of());
            assertThat(keys(client, bucket, prefix + "orders/")).containsExactly("chk-2/_metadata");
        }
    }

    private static StoredCheckpoint withSharedFiles(long id, String... names) {
        List<StateFile> files = new java.util.ArrayList<>();
        for (String name : names) {
            files.add(new StateFile(name + ".sst", "shared/orders-0/" + name + ".sst", 3));
        }
        return new StoredCheckpoint(
                "orders",
                id,
                Instant.parse("2026-01-01T00:00:00Z"),
                SourceOffsets.empty(),
                SourceOffsets.empty(),
                new StoredCheckpoint.SinkState(new byte[0]),
                List.of(),
                128,
                List.of(new KeyedStateHandle(
                        "rocksdb", "chk-" + id + "/state/orders-0", new KeyGroupRange(0, 128), 3, files, List.of())));
    }

    @ParameterizedTest
    @EnumSource(S3Store.Kind.class)
    void writesAFileFromALocalPathAndReadsItBackIntoOne(S3Store.Kind kind) throws IOException {
        S3Store store = servers.store(kind);
        String bucket = store.createBucket("checkpoints");
        String prefix = newPrefix();
        Path local = Files.createTempDirectory("s3-state-files");
        try (CheckpointStorage storage = CheckpointStorage.open(location(store, bucket, prefix), "orders");
                S3Client client = store.client()) {
            byte[] content = new byte[3 << 20];
            new java.util.Random(7).nextBytes(content);
            Path source = Files.write(local.resolve("000012.sst"), content);

            storage.writeFile("shared/orders-0/000012.sst", source);

            assertThat(storage.exists("shared/orders-0/000012.sst")).isTrue();
            assertThat(storage.exists("shared/orders-0/000013.sst")).isFalse();
            Path target = local.resolve("restored.sst");
            storage.readFile("shared/orders-0/000012.sst", target);
            assertThat(Files.readAllBytes(target)).isEqualTo(content);
            storage.delete(List.of("shared/orders-0/000012.sst", "shared/orders-0/never-written.sst"));
            assertThat(keys(client, bucket, prefix + "orders/")).isEmpty();
            assertThatThrownBy(() -> storage.readFile("shared/orders-0/000012.sst", target))
                    .isInstanceOf(RetriableException.class)
                    .hasMessage("Cannot read checkpoint file s3://" + bucket + "/" + prefix
                            + "orders/shared/orders-0/000012.sst: the object does not exist");
        } finally {
            try (var paths = Files.walk(local)) {
                paths.sorted(java.util.Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(S3Store.Kind.class)
    void deletesASharedFileWithTheLastStoredCheckpointListingItAndNeverOneBeingUploaded(S3Store.Kind kind) {
        S3Store store = servers.store(kind);
        String bucket = store.createBucket("checkpoints");
        String prefix = newPrefix();
        try (CheckpointStorage storage = CheckpointStorage.open(location(store, bucket, prefix), "orders");
                S3Client client = store.client()) {
            for (String name : List.of("a", "b", "c", "uploading")) {
                client.putObject(
                        request -> request.bucket(bucket).key(prefix + "orders/shared/orders-0/" + name + ".sst"),
                        RequestBody.fromString("sst"));
            }
            storage.store(withSharedFiles(1, "a", "b"), Map.of());
            storage.store(withSharedFiles(2, "b", "c"), Map.of());

            storage.retain(1, Set.of());

            assertThat(keys(client, bucket, prefix + "orders/"))
                    .containsExactlyInAnyOrder(
                            "chk-2/_metadata",
                            "shared/orders-0/b.sst",
                            "shared/orders-0/c.sst",
                            "shared/orders-0/uploading.sst");
            assertThat(storage.latest()).contains(withSharedFiles(2, "b", "c"));
        }
    }

    private static StoredCheckpoint withState(long id, KeyedStateHandle handle) {
        return new StoredCheckpoint(
                "orders",
                id,
                Instant.parse("2026-01-01T00:00:00Z").plusSeconds(id),
                SourceOffsets.empty(),
                SourceOffsets.empty(),
                new StoredCheckpoint.SinkState(new byte[0]),
                List.of(),
                KeyGroups.DEFAULT_MAX_PARALLELISM,
                List.of(handle));
    }

    private static Set<String> paths(List<StateFile> files) {
        return files.stream().map(StateFile::path).collect(Collectors.toSet());
    }

    private static void count(KeyedStateBackend backend, ValueState<Long> counts, int from, int to, long base) {
        for (int i = from; i < to; i++) {
            byte[] key = ("customer-" + i).getBytes(StandardCharsets.UTF_8);
            backend.setCurrentKey(key, KeyGroups.keyGroup(key, KeyGroups.DEFAULT_MAX_PARALLELISM));
            counts.update(base + i);
        }
    }

    @ParameterizedTest
    @EnumSource(S3Store.Kind.class)
    void incrementalRocksDbSnapshotsUploadOnlyNewSstFilesAndRestoreIntoTwoSubtasks(S3Store.Kind kind)
            throws IOException {
        S3Store store = servers.store(kind);
        String bucket = store.createBucket("checkpoints");
        String prefix = newPrefix();
        Path local = Files.createTempDirectory("s3-rocksdb-state");
        StateDescriptor<Long> countState = StateDescriptor.of("count", StateSerializers.LONG);
        int maxParallelism = KeyGroups.DEFAULT_MAX_PARALLELISM;
        try (CheckpointStorage storage = CheckpointStorage.open(location(store, bucket, prefix), "orders");
                S3Client client = store.client();
                KeyedStateBackends backends = KeyedStateBackends.open(
                        "orders",
                        StateConfig.defaults()
                                .withMemory(StateConfig.MIN_MEMORY)
                                .withDirectory(local),
                        Clock.systemUTC(),
                        Runnable::run)) {
            KeyedStateBackend backend = backends.create(0, new KeyGroupRange(0, maxParallelism));
            ValueState<Long> counts = backend.valueState(countState);
            count(backend, counts, 0, 20_000, 0);
            KeyedStateHandle first = backend.snapshot(1, storage).join();
            storage.store(withState(1, first), Map.of());
            Set<String> afterFirst = keys(client, bucket, prefix + "orders/");
            // a later checkpoint changes a few keys and adds some
            count(backend, counts, 19_000, 21_000, 1_000_000);
            KeyedStateHandle second = backend.snapshot(2, storage).join();
            storage.store(withState(2, second), Map.of());

            assertThat(first.sharedFiles()).isNotEmpty();
            assertThat(second.sharedFiles())
                    .as("the second snapshot references the first's SST files")
                    .containsAll(first.sharedFiles());
            Set<String> uploadedBySecond = new java.util.HashSet<>(keys(client, bucket, prefix + "orders/"));
            uploadedBySecond.removeAll(afterFirst);
            Set<String> expectedUploads = new java.util.HashSet<>(paths(second.privateFiles()));
            expectedUploads.addAll(paths(second.sharedFiles()));
            expectedUploads.removeAll(paths(first.sharedFiles()));
            expectedUploads.add("chk-2/_metadata");
            assertThat(uploadedBySecond)
                    .as("objects the second checkpoint added: its new SST files, private files and metadata")
                    .isEqualTo(expectedUploads);

            storage.retain(1, Set.of());

            Set<String> retained = new java.util.HashSet<>(paths(second.privateFiles()));
            retained.addAll(paths(second.sharedFiles()));
            retained.add("chk-2/_metadata");
            assertThat(keys(client, bucket, prefix + "orders/")).isEqualTo(retained);
            StoredCheckpoint latest = storage.latest().orElseThrow();
            for (int subtask = 0; subtask < 2; subtask++) {
                KeyGroupRange range = KeyGroups.range(subtask, maxParallelism, 2);
                KeyedStateBackend half = backends.create(1 + subtask, range);
                half.restore(latest.keyedState(), storage);
                ValueState<Long> restored = half.valueState(countState);
                for (int i = 0; i < 21_000; i++) {
                    byte[] key = ("customer-" + i).getBytes(StandardCharsets.UTF_8);
                    int group = KeyGroups.keyGroup(key, maxParallelism);
                    half.setCurrentKey(key, group);
                    Long expected = range.contains(group) ? (i < 19_000 ? i : 1_000_000L + i) : null;
                    assertThat(restored.value())
                            .as("customer-" + i + " in subtask " + subtask)
                            .isEqualTo(expected);
                }
                half.close();
            }
            backend.close();
        } finally {
            try (var files = Files.walk(local)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(S3Store.Kind.class)
    void ignoresACheckpointWhoseMetadataWasNeverWritten(S3Store.Kind kind) {
        S3Store store = servers.store(kind);
        String bucket = store.createBucket("checkpoints");
        String prefix = newPrefix();
        try (CheckpointStorage storage = CheckpointStorage.open(location(store, bucket, prefix), "orders");
                S3Client client = store.client()) {
            storage.store(checkpoint(7, 700), Map.of());
            // a crash between the attachments and the metadata of checkpoint 8
            client.putObject(
                    request -> request.bucket(bucket).key(prefix + "orders/chk-8/dead-letters"),
                    RequestBody.fromString("half a checkpoint"));

            assertThat(storage.latest()).contains(checkpoint(7, 700));
        }
    }

    @ParameterizedTest
    @EnumSource(S3Store.Kind.class)
    void retainsTheNewestAndWhatIsStillReferenced(S3Store.Kind kind) {
        S3Store store = servers.store(kind);
        String bucket = store.createBucket("checkpoints");
        String prefix = newPrefix();
        try (CheckpointStorage storage = CheckpointStorage.open(location(store, bucket, prefix), "orders");
                S3Client client = store.client()) {
            for (long id = 1; id <= 5; id++) {
                storage.store(
                        checkpoint(id, id * 100),
                        Map.of(storage.attachmentPath(id, "dead-letters"), new byte[] {(byte) id}));
            }
            // one in progress: attachments only
            client.putObject(
                    request -> request.bucket(bucket).key(prefix + "orders/chk-6/dead-letters"),
                    RequestBody.fromString("in progress"));

            storage.retain(2, Set.of("chk-1/dead-letters"));

            assertThat(keys(client, bucket, prefix + "orders/"))
                    .containsExactlyInAnyOrder(
                            "chk-1/_metadata",
                            "chk-1/dead-letters",
                            "chk-4/_metadata",
                            "chk-4/dead-letters",
                            "chk-5/_metadata",
                            "chk-5/dead-letters",
                            "chk-6/dead-letters");
            assertThat(storage.latest()).contains(checkpoint(5, 500));
        }
    }

    @ParameterizedTest
    @EnumSource(S3Store.Kind.class)
    void refusesCorruptMetadataWithTheObjectInTheMessage(S3Store.Kind kind) {
        S3Store store = servers.store(kind);
        String bucket = store.createBucket("checkpoints");
        String prefix = newPrefix();
        try (CheckpointStorage storage = CheckpointStorage.open(location(store, bucket, prefix), "orders");
                S3Client client = store.client()) {
            client.putObject(
                    request -> request.bucket(bucket).key(prefix + "orders/chk-3/_metadata"),
                    RequestBody.fromString("not a checkpoint"));

            assertThatThrownBy(storage::latest)
                    .isInstanceOf(FatalException.class)
                    .hasMessageStartingWith(
                            "Cannot read checkpoint s3://" + bucket + "/" + prefix + "orders/chk-3/_metadata")
                    .satisfies(
                            e -> assertThat(((FatalException) e).code()).isEqualTo(EngineErrorCode.CHECKPOINT_CORRUPT));
        }
    }

    @ParameterizedTest
    @EnumSource(S3Store.Kind.class)
    void reportsAMissingBucketAsRetriable(S3Store.Kind kind) {
        S3Store store = servers.store(kind);
        try (CheckpointStorage storage =
                CheckpointStorage.open(location(store, "no-such-bucket", newPrefix()), "orders")) {
            assertThatThrownBy(() -> storage.store(checkpoint(1, 100), Map.of()))
                    .isInstanceOf(RetriableException.class)
                    .hasMessageStartingWith("Cannot store checkpoint 1 in s3://no-such-bucket/");
        }
    }
}
