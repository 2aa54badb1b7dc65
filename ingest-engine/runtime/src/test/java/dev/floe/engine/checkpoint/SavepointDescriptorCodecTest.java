package dev.floe.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SavepointDescriptorCodecTest {
    private static final SavepointDescriptor DESCRIPTOR = new SavepointDescriptor(
            "orders", 7, Instant.parse("2026-11-22T10:15:30Z"), "deduplicate by [order_id]", 128, 4);

    @Test
    void readsTheGoldenVersion1Descriptor() throws IOException {
        assertThat(SavepointDescriptorCodec.decode(CheckpointMetadataCodecTest.golden("savepoint-descriptor-v1.json")))
                .isEqualTo(DESCRIPTOR);
    }

    @Test
    void writesVersion1AsTheGoldenFileHasIt() throws IOException {
        assertThat(new String(SavepointDescriptorCodec.encode(DESCRIPTOR), StandardCharsets.UTF_8))
                .isEqualTo(new String(
                                CheckpointMetadataCodecTest.golden("savepoint-descriptor-v1.json"),
                                StandardCharsets.UTF_8)
                        .trim());
    }

    @Test
    void refusesANewerVersionNamingBoth() {
        assertThatThrownBy(() -> SavepointDescriptorCodec.decode(
                        "{\"version\":2,\"pipeline\":\"orders\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("savepoint descriptor version 2 is not one this Floe reads (1)");
    }

    @Test
    void refusesADescriptorWithoutItsKeyedStage() {
        assertThatThrownBy(() -> SavepointDescriptorCodec.decode(("{\"version\":1,\"pipeline\":\"orders\","
                                + "\"checkpointId\":7,\"takenAt\":\"2026-11-22T10:15:30Z\",\"maxParallelism\":128,"
                                + "\"parallelism\":4}")
                        .getBytes(StandardCharsets.UTF_8)))
                .hasMessage("savepoint descriptor lacks 'keyedStage'");
    }
}
