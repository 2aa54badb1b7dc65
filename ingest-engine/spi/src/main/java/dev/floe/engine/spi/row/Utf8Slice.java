package dev.floe.engine.spi.row;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A UTF-8 string held as a slice of a byte array, usually the buffer a record was fetched into.
 *
 * <p>Decoding leaves strings as slices so that the common path (decode, then write the same bytes
 * into a Parquet column) never builds a {@link String}. Anything that keeps a value beyond the
 * current batch (state, partition keys, map keys) calls {@link #toString()} or {@link #copy()}, so
 * that it doesn't pin the fetch buffer.
 *
 * <p>Equality and hash code are by content and agree across slices of different arrays; a slice is
 * never equal to a {@link String} (use {@link #contentEquals(CharSequence)}).
 *
 * <p>Slices made by {@link #wrap} and {@link #of} never change. A row's decoder instead fills the
 * row's own slices ({@link Row#setString}), which it points at the next record's bytes each time:
 * such a slice is {@link #isReused() reused}, and whatever keeps a value beyond the current record
 * keeps {@link #copy()} or {@link #toString()} of it, never the slice ({@link Row#copy()} and
 * {@link Row#detach()} do so).
 */
public final class Utf8Slice implements CharSequence, Comparable<Utf8Slice> {
    private byte[] bytes;
    private int offset;
    private int length;
    private String string;
    private final boolean reused;

    private Utf8Slice(byte[] bytes, int offset, int length, boolean reused) {
        this.reused = reused;
        point(bytes, offset, length);
    }

    private Utf8Slice(byte[] bytes, int offset, int length) {
        this(bytes, offset, length, false);
    }

    /** A slice that a row reuses for every record it is filled with; see {@link Row#setString}. */
    static Utf8Slice reusable(byte[] bytes, int offset, int length) {
        return new Utf8Slice(bytes, offset, length, true);
    }

    /** Points a {@link #reusable} slice at other bytes: only its row does, for the next record. */
    void repoint(byte[] bytes, int offset, int length) {
        if (!reused) {
            throw new IllegalStateException("Cannot repoint a slice that is not a row's reused slice");
        }
        point(bytes, offset, length);
        this.string = null;
    }

    private void point(byte[] bytes, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > bytes.length) {
            throw new IndexOutOfBoundsException(
                    "slice [" + offset + ", " + (offset + length) + ") outside array of " + bytes.length);
        }
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
    }

    /**
     * Whether this is a row's reused slice, which the row's next record changes: keep {@link
     * #copy()} of it, never the slice itself, past the current record.
     */
    public boolean isReused() {
        return reused;
    }

    /** A slice over {@code bytes[offset, offset + length)}; the array is shared, not copied. */
    public static Utf8Slice wrap(byte[] bytes, int offset, int length) {
        return new Utf8Slice(bytes, offset, length);
    }

    public static Utf8Slice of(String value) {
        Utf8Slice slice = wrap(value.getBytes(StandardCharsets.UTF_8));
        slice.string = value;
        return slice;
    }

    public static Utf8Slice wrap(byte[] bytes) {
        return new Utf8Slice(bytes, 0, bytes.length);
    }

    public byte[] array() {
        return bytes;
    }

    public int offset() {
        return offset;
    }

    public int byteLength() {
        return length;
    }

    /**
     * A slice that owns exactly its bytes, releasing whatever larger buffer this one points into, and
     * that never changes: safe to keep beyond the current record.
     */
    public Utf8Slice copy() {
        if (!reused && offset == 0 && length == bytes.length) {
            return this;
        }
        Utf8Slice copy = new Utf8Slice(Arrays.copyOfRange(bytes, offset, offset + length), 0, length);
        copy.string = string;
        return copy;
    }

    @Override
    public String toString() {
        String value = string;
        if (value == null) {
            value = new String(bytes, offset, length, StandardCharsets.UTF_8);
            string = value;
        }
        return value;
    }

    @Override
    public int length() {
        return toString().length();
    }

    @Override
    public char charAt(int index) {
        return toString().charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return toString().subSequence(start, end);
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof Utf8Slice)) {
            return false;
        }
        Utf8Slice that = (Utf8Slice) other;
        return Arrays.equals(bytes, offset, offset + length, that.bytes, that.offset, that.offset + that.length);
    }

    @Override
    public int hashCode() {
        int hash = 1;
        for (int i = offset, end = offset + length; i < end; i++) {
            hash = 31 * hash + bytes[i];
        }
        return hash;
    }

    /** Orders by unsigned bytes, which for UTF-8 is the order of code points. */
    @Override
    public int compareTo(Utf8Slice that) {
        return Arrays.compareUnsigned(
                bytes, offset, offset + length, that.bytes, that.offset, that.offset + that.length);
    }

    public boolean contentEquals(CharSequence other) {
        if (other instanceof Utf8Slice) {
            return equals(other);
        }
        return toString().contentEquals(other);
    }
}
