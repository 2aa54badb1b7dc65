package dev.floe.registry;

import java.nio.ByteBuffer;

/**
 * Confluent's wire format: a magic byte {@code 0}, the schema id as a 4-byte big-endian integer,
 * then the serialized payload.
 */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {}

    /**
     * The schema id of a framed payload at {@code buffer}'s position, without moving it.
     *
     * @throws MalformedPayloadException when the bytes are not in the wire format
     */
    public static int schemaId(ByteBuffer buffer) {
        int start = buffer.position();
        if (buffer.remaining() < HEADER_SIZE) {
            throw new MalformedPayloadException(
                    "payload of " + buffer.remaining() + " bytes is shorter than the 5-byte wire-format header");
        }
        byte magic = buffer.get(start);
        if (magic != MAGIC_BYTE) {
            throw new MalformedPayloadException(
                    "unknown magic byte " + (magic & 0xff) + ", expected 0 (Confluent wire format)");
        }
        return buffer.getInt(start + 1);
    }

    /** The schema id of a framed payload in {@code bytes[offset, offset + length)}. */
    public static int schemaId(byte[] bytes, int offset, int length) {
        return schemaId(ByteBuffer.wrap(bytes, offset, length));
    }

    /** Frames {@code payload} with {@code schemaId}. */
    public static byte[] frame(int schemaId, byte[] payload) {
        byte[] framed = new byte[HEADER_SIZE + payload.length];
        ByteBuffer.wrap(framed).put(MAGIC_BYTE).putInt(schemaId).put(payload);
        return framed;
    }
}
