package dev.floe.registry;

import java.nio.ByteBuffer;

/**
 * Confluent's wire format: a magic byte {@code 0}, the schema id as a 4-byte big-endian integer,
 * then the serialized payload. A record's key and its value are framed each on its own, each with
 * the id of its own schema.
 */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {}

    /**
     * The schema id of a framed payload at {@code buffer}'s position, without moving it. Allocates
     * nothing.
     *
     * @throws MalformedPayloadException when the bytes are not in the wire format
     */
    public static int schemaId(ByteBuffer buffer) {
        int start = buffer.position();
        if (buffer.remaining() < HEADER_SIZE) {
            throw new MalformedPayloadException("Cannot read the schema id of a payload of " + buffer.remaining()
                    + " bytes: the wire-format header alone has " + HEADER_SIZE);
        }
        byte magic = buffer.get(start);
        if (magic != MAGIC_BYTE) {
            throw new MalformedPayloadException("Cannot read the schema id of a payload: its first byte is "
                    + (magic & 0xff) + ", not the wire format's magic byte 0");
        }
        return buffer.getInt(start + 1);
    }

    /** The schema id of a framed payload in {@code bytes[offset, offset + length)}. */
    public static int schemaId(byte[] bytes, int offset, int length) {
        return schemaId(ByteBuffer.wrap(bytes, offset, length));
    }

    /**
     * The payload of a framed buffer: a read-only view of the bytes after the header, sharing
     * {@code framed}'s content, whose position is left unchanged.
     *
     * @throws MalformedPayloadException when the bytes are not in the wire format
     */
    public static ByteBuffer payload(ByteBuffer framed) {
        schemaId(framed);
        return framed.asReadOnlyBuffer()
                .position(framed.position() + HEADER_SIZE)
                .slice();
    }

    /** Frames {@code payload} with {@code schemaId}. */
    public static byte[] frame(int schemaId, byte[] payload) {
        byte[] framed = new byte[HEADER_SIZE + payload.length];
        ByteBuffer.wrap(framed).put(MAGIC_BYTE).putInt(schemaId).put(payload);
        return framed;
    }
}
