package dev.floe.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.dataflow.KeyGroupRange;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.engine.state.KeyedStateHandle;
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
    void refusesAVersionItDoesNotKnowByName() {
        byte[] future = "{\"version\":2,\"pipeline\":\"p\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> CheckpointMetadataCodec.decode(future))
                .hasMessage("checkpoint metadata version 2 is not one this Floe reads (1)");
    }
}
