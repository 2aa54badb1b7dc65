package dev.floe.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WireFormatTest {
    private static final byte[] PAYLOAD = "avro bytes".getBytes(StandardCharsets.UTF_8);

    @Test
    void framesWithTheMagicByteAndABigEndianId() {
        byte[] framed = WireFormat.frame(0x01020304, PAYLOAD);

        assertThat(framed).startsWith(0, 1, 2, 3, 4);
        assertThat(framed).hasSize(WireFormat.HEADER_SIZE + PAYLOAD.length);
        assertThat(WireFormat.schemaId(framed, 0, framed.length)).isEqualTo(0x01020304);
    }

    @Test
    void readsTheIdAndThePayloadWithoutMovingTheBuffer() {
        ByteBuffer buffer = ByteBuffer.wrap(WireFormat.frame(42, PAYLOAD));

        assertThat(WireFormat.schemaId(buffer)).isEqualTo(42);
        ByteBuffer payload = WireFormat.payload(buffer);

        assertThat(buffer.position()).isZero();
        assertThat(payload.isReadOnly()).isTrue();
        byte[] read = new byte[payload.remaining()];
        payload.get(read);
        assertThat(read).isEqualTo(PAYLOAD);
    }

    @Test
    void readsAFrameInsideALargerBuffer() {
        byte[] framed = WireFormat.frame(7, PAYLOAD);
        byte[] larger = new byte[framed.length + 6];
        System.arraycopy(framed, 0, larger, 3, framed.length);

        assertThat(WireFormat.schemaId(larger, 3, framed.length)).isEqualTo(7);
        ByteBuffer buffer = ByteBuffer.wrap(larger, 3, framed.length);
        assertThat(WireFormat.payload(buffer).remaining()).isEqualTo(PAYLOAD.length);
    }

    @Test
    void keyAndValueAreFramedEachWithItsOwnSchema() {
        ByteBuffer key = ByteBuffer.wrap(WireFormat.frame(11, "k".getBytes(StandardCharsets.UTF_8)));
        ByteBuffer value = ByteBuffer.wrap(WireFormat.frame(12, PAYLOAD));

        assertThat(WireFormat.schemaId(key)).isEqualTo(11);
        assertThat(WireFormat.schemaId(value)).isEqualTo(12);
    }

    @Test
    void anEmptyPayloadIsStillFramed() {
        ByteBuffer framed = ByteBuffer.wrap(WireFormat.frame(3, new byte[0]));

        assertThat(WireFormat.schemaId(framed)).isEqualTo(3);
        assertThat(WireFormat.payload(framed).remaining()).isZero();
    }

    @Test
    void refusesBytesShorterThanTheHeader() {
        assertThat(catchThrowable(() -> WireFormat.schemaId(ByteBuffer.wrap(new byte[] {0, 0, 1}))))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessage("Cannot read the schema id of a payload of 3 bytes: the wire-format header alone has 5");
    }

    @Test
    void refusesAnotherMagicByte() {
        byte[] json = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);

        assertThat(catchThrowable(() -> WireFormat.payload(ByteBuffer.wrap(json))))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessage("Cannot read the schema id of a payload: its first byte is 123, not the wire format's"
                        + " magic byte 0");
    }
}
