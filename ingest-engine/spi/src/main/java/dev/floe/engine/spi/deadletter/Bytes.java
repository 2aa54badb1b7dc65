package dev.floe.engine.spi.deadletter;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/** An immutable byte string: what a dead letter keeps of a record's key, value and headers. */
public final class Bytes {
    private final byte[] bytes;

    private Bytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of {@code buffer}'s remaining bytes, or null for a null buffer. */
    public static Bytes copyOf(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return new Bytes(copy);
    }

    /** A copy of {@code array}, or null for null. */
    public static Bytes copyOf(byte[] array) {
        return array == null ? null : new Bytes(array.clone());
    }

    public int length() {
        return bytes.length;
    }

    public byte[] toArray() {
        return bytes.clone();
    }

    /** A read-only view, for producing without a copy. */
    public ByteBuffer asBuffer() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Bytes && Arrays.equals(bytes, ((Bytes) other).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return bytes.length <= 32 ? Base64.getEncoder().encodeToString(bytes) : bytes.length + " bytes";
    }
}
