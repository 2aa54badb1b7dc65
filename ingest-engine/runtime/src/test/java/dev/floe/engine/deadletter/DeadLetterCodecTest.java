package dev.floe.engine.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.spi.deadletter.Bytes;
import dev.floe.engine.spi.deadletter.DeadLetter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLetterCodecTest {
    static final List<DeadLetter> LETTERS = List.of(
            new DeadLetter(
                    "orders",
                    3,
                    1234,
                    1_700_000_000_000L,
                    Bytes.copyOf("customer-1".getBytes(StandardCharsets.UTF_8)),
                    Bytes.copyOf(new byte[] {1, 0, 0, 0, 9, 42}),
                    List.of(
                            new DeadLetter.Header("trace", Bytes.copyOf(new byte[] {7})),
                            new DeadLetter.Header("empty", null)),
                    "decode",
                    "NOT_WIRE_FORMAT",
                    "unknown magic byte 1, expected 0 (Confluent wire format)",
                    Instant.parse("2026-11-22T10:15:30Z")),
            new DeadLetter(
                    "orders",
                    0,
                    5,
                    -1,
                    null,
                    null,
                    List.of(),
                    "decode",
                    "NULL_VALUE",
                    "the record has no value (a tombstone)",
                    Instant.parse("2026-11-22T10:15:31Z")));

    private static byte[] golden() throws IOException {
        try (InputStream in = DeadLetterCodecTest.class.getResourceAsStream("/golden/dead-letters-v1.base64")) {
            return Base64.getMimeDecoder().decode(in.readAllBytes());
        }
    }

    @Test
    void readsTheVersionOneGoldenFile() throws IOException {
        assertThat(DeadLetterCodec.decode(golden())).isEqualTo(LETTERS);
    }

    @Test
    void writesTheVersionOneGoldenFileByteForByte() throws IOException {
        assertThat(DeadLetterCodec.encode(LETTERS)).isEqualTo(golden());
    }

    @Test
    void refusesBytesThatAreNotDeadLetters() {
        assertThatThrownBy(() -> DeadLetterCodec.decode(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
                .hasMessage("not a dead-letter file (bad magic number)");
    }
}
