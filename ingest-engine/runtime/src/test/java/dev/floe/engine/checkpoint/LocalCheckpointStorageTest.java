package dev.floe.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.dataflow.KeyGroupRange;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.state.KeyedStateHandle;
import dev.floe.engine.state.StateFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCheckpointStorageTest {
    @TempDir
    Path directory;

    private static StoredCheckpoint checkpoint(long id, List<StoredCheckpoint.DeadLetterBatch> letters) {
        return new StoredCheckpoint(
                "orders",
                id,
                Instant.EPOCH,
                SourceOffsets.empty(),
                SourceOffsets.empty(),
                new StoredCheckpoint.SinkState(new byte[] {(byte) id}),
                letters,
                128,
                List.of());
    }

    @Test
    void theLatestCheckpointIsTheNewestWhoseMetadataWasWritten() throws IOException {
        LocalCheckpointStorage storage = new LocalCheckpointStorage(directory, "orders");
        storage.store(checkpoint(1, List.of()), Map.of());
        storage.store(checkpoint(2, List.of()), Map.of());
        // a checkpoint that crashed before its metadata was written
        Files.createDirectories(directory.resolve("orders/chk-3"));
        Files.writeString(directory.resolve("orders/chk-3/dead-letters"), "partial");

        assertThat(storage.latest())
                .hasValueSatisfying(latest -> assertThat(latest.checkpointId()).isEqualTo(2));
        assertThat(Files.list(directory.resolve("orders/chk-2"))
                        .map(path -> path.getFileName().toString()))
                .as("no temporary file survives a store")
                .containsExactly("_metadata");
    }

    @Test
    void retainsTheNewestAndWhatPendingDeadLettersStillNeed() {
        LocalCheckpointStorage storage = new LocalCheckpointStorage(directory, "orders");
        storage.store(
                checkpoint(1, List.of(new StoredCheckpoint.DeadLetterBatch(1, "chk-1/dead-letters", 1))),
                Map.of("chk-1/dead-letters", "letters".getBytes(StandardCharsets.UTF_8)));
        for (long id = 2; id <= 5; id++) {
            storage.store(checkpoint(id, List.of()), Map.of());
        }

        storage.retain(2, Set.of("chk-1/dead-letters"));

        assertThat(Files.exists(directory.resolve("orders/chk-1"))).isTrue();
        assertThat(Files.exists(directory.resolve("orders/chk-2"))).isFalse();
        assertThat(Files.exists(directory.resolve("orders/chk-3"))).isFalse();
        assertThat(Files.exists(directory.resolve("orders/chk-4"))).isTrue();
        assertThat(Files.exists(directory.resolve("orders/chk-5"))).isTrue();
        assertThat(storage.read("chk-1/dead-letters")).isEqualTo("letters".getBytes(StandardCharsets.UTF_8));
    }

    private static StoredCheckpoint withSharedFiles(long id, String... names) {
        List<StateFile> files = new java.util.ArrayList<>();
        for (String name : names) {
            files.add(new StateFile(name + ".sst", "shared/orders-0/" + name + ".sst", 1));
        }
        return new StoredCheckpoint(
                "orders",
                id,
                Instant.EPOCH,
                SourceOffsets.empty(),
                SourceOffsets.empty(),
                new StoredCheckpoint.SinkState(new byte[0]),
                List.of(),
                128,
                List.of(new KeyedStateHandle(
                        "rocksdb", "chk-" + id + "/state/orders-0", new KeyGroupRange(0, 128), 1, files, List.of())));
    }

    @Test
    void writesAFileFromALocalPathWholeAndReadsItBack() throws IOException {
        LocalCheckpointStorage storage = new LocalCheckpointStorage(directory.resolve("storage"), "orders");
        Path source = Files.writeString(directory.resolve("000012.sst"), "sst bytes");

        storage.writeFile("shared/orders-0/000012.sst", source);

        assertThat(storage.exists("shared/orders-0/000012.sst")).isTrue();
        assertThat(storage.exists("shared/orders-0/000013.sst")).isFalse();
        assertThat(Files.list(directory.resolve("storage/orders/shared/orders-0")))
                .as("no temporary file survives")
                .hasSize(1);
        Path target = directory.resolve("restored.sst");
        storage.readFile("shared/orders-0/000012.sst", target);
        assertThat(target).hasContent("sst bytes");
        storage.delete(List.of("shared/orders-0/000012.sst", "shared/orders-0/never-written.sst"));
        assertThat(storage.exists("shared/orders-0/000012.sst")).isFalse();
        assertThatThrownBy(() -> storage.readFile("shared/orders-0/000012.sst", target))
                .isInstanceOf(RetriableException.class)
                .hasMessageStartingWith("Cannot read checkpoint file ")
                .hasMessageContaining("000012.sst");
    }

    @Test
    void deletesASharedFileWithTheLastStoredCheckpointListingItAndNeverOneBeingUploaded() throws IOException {
        LocalCheckpointStorage storage = new LocalCheckpointStorage(directory, "orders");
        Path source = Files.writeString(directory.resolve("file"), "x");
        for (String name : List.of("a", "b", "c", "d", "uploading")) {
            storage.writeFile("shared/orders-0/" + name + ".sst", source);
        }
        storage.store(withSharedFiles(1, "a", "b"), Map.of());
        storage.store(withSharedFiles(2, "b", "c"), Map.of());
        storage.store(withSharedFiles(3, "c", "d"), Map.of());

        storage.retain(2, Set.of());
        assertThat(storage.exists("shared/orders-0/a.sst")).isFalse();
        assertThat(storage.exists("shared/orders-0/b.sst"))
                .as("listed by checkpoint 2")
                .isTrue();

        storage.retain(1, Set.of());
        assertThat(storage.exists("shared/orders-0/b.sst")).isFalse();
        assertThat(storage.exists("shared/orders-0/c.sst")).isTrue();
        assertThat(storage.exists("shared/orders-0/d.sst")).isTrue();
        assertThat(storage.exists("shared/orders-0/uploading.sst"))
                .as("listed by no stored checkpoint yet")
                .isTrue();
    }

    @Test
    void keepsEverySharedFileWhenMetadataItWouldDecideByIsUnreadable() throws IOException {
        LocalCheckpointStorage storage = new LocalCheckpointStorage(directory, "orders");
        Path source = Files.writeString(directory.resolve("file"), "x");
        storage.writeFile("shared/orders-0/a.sst", source);
        storage.store(withSharedFiles(1, "a"), Map.of());
        storage.store(withSharedFiles(2, "b"), Map.of());
        Files.writeString(directory.resolve("orders/chk-2/_metadata"), "{\"version\":1,");

        storage.retain(1, Set.of());

        assertThat(storage.exists("shared/orders-0/a.sst")).isTrue();
    }

    @Test
    void refusesToGuessPastCorruptMetadata() throws IOException {
        LocalCheckpointStorage storage = new LocalCheckpointStorage(directory, "orders");
        storage.store(checkpoint(1, List.of()), Map.of());
        Files.writeString(directory.resolve("orders/chk-1/_metadata"), "{\"version\":1,");

        assertThatThrownBy(storage::latest)
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("Cannot read checkpoint")
                .hasMessageContaining("chk-1");
    }
}
