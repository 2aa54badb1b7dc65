package dev.floe.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.dataflow.KeyGroupRange;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.engine.state.KeyedStateHandle;
import dev.floe.engine.state.StateFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointMetadataCodecTest {
    static final StoredCheckpoint EXPECTED = new StoredCheckpoint(
            "orders",
            7,
            Instant.parse("2026-11-22T10:15:30Z"),
            SourceOffsets.of(Map.of(new SourcePartition("orders", 0), 1234L, new SourcePartition("orders", 1), 987L)),
            SourceOffsets.of(Map.of(new SourcePartition("orders", 0), 1000L, new SourcePartition("orders", 1), 900L)),
            new StoredCheckpoint.SinkState("sink-state".getBytes(StandardCharsets.UTF_8)),
            List.of(new StoredCheckpoint.DeadLetterBatch(6, "chk-6/dead-letters", 2)),
            128,
            List.of(
                    new KeyedStateHandle("heap", "chk-7/state/orders-0-0-64", new KeyGroupRange(0, 64), 1234),
                    new KeyedStateHandle("heap", "chk-7/state/orders-1-64-128", new KeyGroupRange(64, 128), 987)));

    /** Checkpoint 7 of a pipeline with RocksDB state: SST files shared with checkpoint 6, private files. */
    static final StoredCheckpoint ROCKSDB = new StoredCheckpoint(
            "orders",
            7,
            Instant.parse("2026-11-22T10:15:30Z"),
            EXPECTED.offsets(),
            EXPECTED.startOffsets(),
            new StoredCheckpoint.SinkState("sink-state".getBytes(StandardCharsets.UTF_8)),
            List.of(),
            128,
            List.of(
                    new KeyedStateHandle(
                            "rocksdb",
                            "chk-7/state/orders-0",
                            new KeyGroupRange(0, 64),
                            6144,
                            List.of(
                                    new StateFile(
                                            "000012.sst",
                                            "shared/orders-0/5f0c7d43-8a1e-4c55-9b0e-2d0b8e4f6a11-000012.sst",
                                            4096),
                                    new StateFile(
                                            "000015.sst",
                                            "shared/orders-0/0b6a8c2e-1f3d-4e7a-8c9b-5a4d3e2f1a0b-000015.sst",
                                            1024)),
                            List.of(
                                    new StateFile("CURRENT", "chk-7/state/orders-0/CURRENT", 16),
                                    new StateFile("MANIFEST-000017", "chk-7/state/orders-0/MANIFEST-000017", 1008))),
                    new KeyedStateHandle(
                            "rocksdb", "chk-7/state/orders-1", new KeyGroupRange(64, 128), 0, List.of(), List.of())));

    static byte[] golden(String name) throws IOException {
        try (InputStream in = CheckpointMetadataCodecTest.class.getResourceAsStream("/golden/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void readsTheVersionOneGoldenFile() throws IOException {
        assertThat(CheckpointMetadataCodec.decode(golden("checkpoint-metadata-v1.json")))
                .isEqualTo(EXPECTED);
    }

    @Test
    void writesWhatItReads() throws IOException {
        byte[] encoded = CheckpointMetadataCodec.encode(EXPECTED);

        assertThat(CheckpointMetadataCodec.decode(encoded)).isEqualTo(EXPECTED);
        assertThat(new String(encoded, StandardCharsets.UTF_8).trim())
                .isEqualTo(new String(golden("checkpoint-metadata-v1.json"), StandardCharsets.UTF_8).trim());
    }

    @Test
    void readsVersionOneMetadataWrittenBeforeKeyedStateExisted() throws IOException {
        String old = new String(golden("checkpoint-metadata-v1-without-state.json"), StandardCharsets.UTF_8);

        StoredCheckpoint read = CheckpointMetadataCodec.decode(old.getBytes(StandardCharsets.UTF_8));

        assertThat(read.keyedState()).isEmpty();
        assertThat(read.maxParallelism()).isEqualTo(128);
        assertThat(read.offsets()).isEqualTo(EXPECTED.offsets());
    }

    @Test
    void readsAndWritesTheVersionOneGoldenFileWithRocksDbStateFiles() throws IOException {
        byte[] golden = golden("checkpoint-metadata-v1-rocksdb.json");

        assertThat(CheckpointMetadataCodec.decode(golden)).isEqualTo(ROCKSDB);
        assertThat(new String(CheckpointMetadataCodec.encode(ROCKSDB), StandardCharsets.UTF_8).trim())
                .isEqualTo(new String(golden, StandardCharsets.UTF_8).trim());
    }

    @Test
    void refusesAStateFileWhoseNameIsAPath() {
        String metadata = new String(CheckpointMetadataCodec.encode(ROCKSDB), StandardCharsets.UTF_8)
                .replace("\"name\" : \"CURRENT\"", "\"name\" : \"../CURRENT\"");

        assertThatThrownBy(() -> CheckpointMetadataCodec.decode(metadata.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid state file")
                .hasMessageContaining("must be a plain file name");
    }

    @Test
    void refusesAVersionItDoesNotKnowByName() {
        byte[] future = "{\"version\":2,\"pipeline\":\"p\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> CheckpointMetadataCodec.decode(future))
                .hasMessage("checkpoint metadata version 2 is not one this Floe reads (1)");
    }
}
