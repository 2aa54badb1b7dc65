package dev.floe.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.sink.SourceOffsets;
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
