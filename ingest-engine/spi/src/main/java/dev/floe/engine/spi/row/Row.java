package dev.floe.engine.spi.row;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.iceberg.StructLike;

/**
 * The engine's row: a compact {@link StructLike} whose primitives are unboxed and whose strings are
 * slices of the buffer they were decoded from.
 *
 * <p>Rows are filled once by a decoder and read once by a writer; both use the typed accessors
 * ({@link #getLong}, {@link #setLong}, ...) so that no value is boxed on the way. {@link #get}
 * boxes, for Iceberg's generic code paths (partition keys, expressions).
 *
 * <p>A row is not thread-safe. A decoder fills the same row for every record, and the row reuses
 * its string slices ({@link #setString}) and nested rows ({@link #setRow}) from one record to the
 * next, so that decoding allocates nothing per record. Whatever keeps a row or a value beyond the
 * current record therefore keeps a {@link #copy()} (to hand the row to another thread) or a {@link
 * #detach() detached} row (held in state or buffered, so it doesn't pin the fetch buffer either),
 * never the row or a slice of it.
 */
public final class Row implements StructLike {
    private final RowType type;
    private final long[] primitives;
    private final Object[] references;
    private final long[] nulls;
    private String originTopic;
    private int originPartition = -1;
    private long originOffset = -1;
    private RowKind kind = RowKind.WRITE;
    /** Per slot, the slice or nested row this row refills for every record; made on first use. */
    private Object[] reused;

    public Row(RowType type) {
        this.type = Objects.requireNonNull(type, "type");
        int size = type.size();
        this.primitives = new long[size];
        this.references = new Object[size];
        this.nulls = new long[(size + 63) >>> 6];
        Arrays.fill(nulls, -1L);
    }

    public RowType type() {
        return type;
    }

    @Override
    public int size() {
        return type.size();
    }

    /**
     * Records where this row came from: the Kafka record at {@code offset} of {@code topic}-{@code
     * partition}. The source sets it on every decoded row; a sink that writes several destinations
     * uses it to skip, per destination, what that destination already holds, and to record the
     * offset ranges each commit covers. Rows an operator builds from several records have none.
     */
    public void setOrigin(String topic, int partition, long offset) {
        this.originTopic = topic;
        this.originPartition = partition;
        this.originOffset = offset;
    }

    /** Forgets the origin: for rows that stand for several records (aggregates, say). */
    public void clearOrigin() {
        setOrigin(null, -1, -1);
    }

    /** The topic of the record this row came from, or null when it has no single origin. */
    public String originTopic() {
        return originTopic;
    }

    /** The partition of the record this row came from, or -1. */
    public int originPartition() {
        return originPartition;
    }

    /** The offset of the record this row came from, or -1. */
    public long originOffset() {
        return originOffset;
    }

    /** What this row asks of its destination: {@link RowKind#WRITE} unless a decoder said otherwise. */
    public RowKind kind() {
        return kind;
    }

    public void setKind(RowKind kind) {
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** Gives this row the origin of {@code other}. */
    public void copyOrigin(Row other) {
        setOrigin(other.originTopic, other.originPartition, other.originOffset);
    }

    public boolean isNull(int position) {
        return (nulls[position >>> 6] & (1L << position)) != 0;
    }

    public void setNull(int position) {
        nulls[position >>> 6] |= 1L << position;
        references[position] = null;
    }

    private void present(int position) {
        nulls[position >>> 6] &= ~(1L << position);
    }

    public long getLong(int position) {
        return primitives[position];
    }

    public int getInt(int position) {
        return (int) primitives[position];
    }

    public boolean getBoolean(int position) {
        return primitives[position] != 0;
    }

    public float getFloat(int position) {
        return Float.intBitsToFloat((int) primitives[position]);
    }

    public double getDouble(int position) {
        return Double.longBitsToDouble(primitives[position]);
    }

    /** The value of a reference field (string, binary, nested row, list, map, wide decimal, UUID). */
    public Object getReference(int position) {
        return references[position];
    }

    public void setLong(int position, long value) {
        primitives[position] = value;
        present(position);
    }

    public void setInt(int position, int value) {
        primitives[position] = value;
        present(position);
    }

    public void setBoolean(int position, boolean value) {
        primitives[position] = value ? 1 : 0;
        present(position);
    }

    public void setFloat(int position, float value) {
        primitives[position] = Float.floatToRawIntBits(value);
        present(position);
    }

    public void setDouble(int position, double value) {
        primitives[position] = Double.doubleToRawLongBits(value);
        present(position);
    }

    public void setReference(int position, Object value) {
        if (value == null) {
            setNull(position);
        } else {
            references[position] = value;
            present(position);
        }
    }

    /**
     * Sets a string field to the UTF-8 bytes {@code bytes[offset, offset + length)}, which are not
     * copied, through a slice this row keeps for the field and repoints for every record: the slice
     * is {@link Utf8Slice#isReused() reused}, and {@link #getReference} returns the same object for
     * the next record's value.
     */
    public void setString(int position, byte[] bytes, int offset, int length) {
        Object[] slots = reusedSlots();
        Object slot = slots[position];
        Utf8Slice slice;
        if (slot instanceof Utf8Slice) {
            slice = (Utf8Slice) slot;
            slice.repoint(bytes, offset, length);
        } else {
            slice = Utf8Slice.reusable(bytes, offset, length);
            slots[position] = slice;
        }
        references[position] = slice;
        present(position);
    }

    /**
     * Sets a struct field to the nested row this row keeps for it, of {@code nestedType}, and returns
     * it for the caller to fill: the same nested row for every record, so the caller sets every one
     * of its fields.
     */
    public Row setRow(int position, RowType nestedType) {
        Object[] slots = reusedSlots();
        Object slot = slots[position];
        Row nested;
        if (slot instanceof Row && ((Row) slot).type == nestedType) {
            nested = (Row) slot;
        } else {
            nested = new Row(nestedType);
            slots[position] = nested;
        }
        references[position] = nested;
        present(position);
        return nested;
    }

    private Object[] reusedSlots() {
        Object[] slots = reused;
        if (slots == null) {
            slots = new Object[references.length];
            reused = slots;
        }
        return slots;
    }

    @Override
    public <T> T get(int position, Class<T> javaClass) {
        if (isNull(position)) {
            return null;
        }
        return javaClass.cast(boxed(position));
    }

    private Object boxed(int position) {
        long raw = primitives[position];
        switch (type.kind(position)) {
            case BOOLEAN:
                return raw != 0;
            case INT:
            case DATE:
                return (int) raw;
            case LONG:
            case TIME:
            case TIMESTAMP:
            case TIMESTAMP_NANO:
                return raw;
            case FLOAT:
                return Float.intBitsToFloat((int) raw);
            case DOUBLE:
                return Double.longBitsToDouble(raw);
            case DECIMAL_LONG:
                return BigDecimal.valueOf(raw, type.scale(position));
            case FIXED:
            case BINARY:
                return ((ByteBuffer) references[position]).duplicate();
            default:
                return references[position];
        }
    }

    /** Sets a field from its boxed representation, the inverse of {@link #get}. */
    @Override
    public <T> void set(int position, T value) {
        if (value == null) {
            setNull(position);
            return;
        }
        switch (type.kind(position)) {
            case BOOLEAN:
                setBoolean(position, (Boolean) value);
                break;
            case INT:
            case DATE:
                setInt(position, ((Number) value).intValue());
                break;
            case LONG:
            case TIME:
            case TIMESTAMP:
            case TIMESTAMP_NANO:
                setLong(position, ((Number) value).longValue());
                break;
            case FLOAT:
                setFloat(position, ((Number) value).floatValue());
                break;
            case DOUBLE:
                setDouble(position, ((Number) value).doubleValue());
                break;
            case DECIMAL_LONG:
                setLong(position, unscaled((BigDecimal) value, type.scale(position)));
                break;
            case STRING:
                setReference(position, value instanceof Utf8Slice ? value : Utf8Slice.of(value.toString()));
                break;
            default:
                setReference(position, value);
        }
    }

    private static long unscaled(BigDecimal value, int scale) {
        if (value.scale() != scale) {
            throw new IllegalArgumentException("Cannot store decimal " + value + ": scale must be " + scale);
        }
        return value.unscaledValue().longValueExact();
    }

    /**
     * A copy that stays as it is when this row is refilled, for handing a reused row to another
     * thread: its {@link Utf8Slice#isReused() reused} slices are copied out (into one array for the
     * row) and its nested rows are copied; immutable values (slices made by {@link Utf8Slice#of} or
     * {@link Utf8Slice#wrap}, byte buffers, lists, maps, decimals) are shared.
     */
    public Row copy() {
        Row copy = new Row(type);
        System.arraycopy(primitives, 0, copy.primitives, 0, primitives.length);
        System.arraycopy(nulls, 0, copy.nulls, 0, nulls.length);
        int bytes = 0;
        for (Object value : references) {
            if (value instanceof Utf8Slice && ((Utf8Slice) value).isReused()) {
                bytes += ((Utf8Slice) value).byteLength();
            }
        }
        // one array for all of the row's strings: a copy costs one allocation, not one per string
        byte[] strings = bytes == 0 ? null : new byte[bytes];
        int used = 0;
        for (int i = 0; i < references.length; i++) {
            Object value = references[i];
            if (value instanceof Utf8Slice && ((Utf8Slice) value).isReused()) {
                Utf8Slice slice = (Utf8Slice) value;
                int length = slice.byteLength();
                System.arraycopy(slice.array(), slice.offset(), strings, used, length);
                copy.references[i] = Utf8Slice.wrap(strings, used, length);
                used += length;
            } else if (value instanceof Row) {
                copy.references[i] = ((Row) value).copy();
            } else {
                copy.references[i] = value;
            }
        }
        copy.copyOrigin(this);
        copy.kind = kind;
        return copy;
    }

    /**
     * A deep copy that owns all of its data: strings are copied out of the buffers they were sliced
     * from, byte buffers and nested rows are copied.
     */
    public Row detach() {
        Row copy = new Row(type);
        System.arraycopy(primitives, 0, copy.primitives, 0, primitives.length);
        System.arraycopy(nulls, 0, copy.nulls, 0, nulls.length);
        for (int i = 0; i < references.length; i++) {
            copy.references[i] = detachValue(references[i]);
        }
        copy.copyOrigin(this);
        copy.kind = kind;
        return copy;
    }

    private static Object detachValue(Object value) {
        if (value == null) {
            return null;
        } else if (value instanceof Utf8Slice) {
            return ((Utf8Slice) value).copy();
        } else if (value instanceof Row) {
            return ((Row) value).detach();
        } else if (value instanceof ByteBuffer) {
            ByteBuffer source = ((ByteBuffer) value).duplicate();
            ByteBuffer copy = ByteBuffer.allocate(source.remaining());
            copy.put(source).flip();
            return copy;
        } else if (value instanceof List) {
            List<?> list = (List<?>) value;
            List<Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                copy.add(detachValue(element));
            }
            return copy;
        } else if (value instanceof Map) {
            Map<?, ?> map = (Map<?, ?>) value;
            Map<Object, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                copy.put(detachValue(entry.getKey()), detachValue(entry.getValue()));
            }
            return copy;
        }
        return value;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof Row)) {
            return false;
        }
        Row that = (Row) other;
        if (!type.struct().equals(that.type.struct())) {
            return false;
        }
        for (int i = 0; i < size(); i++) {
            if (isNull(i) != that.isNull(i)) {
                return false;
            }
            if (!isNull(i) && !Objects.equals(boxed(i), that.boxed(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = 1;
        for (int i = 0; i < size(); i++) {
            hash = 31 * hash + (isNull(i) ? 0 : boxed(i).hashCode());
        }
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Row{");
        for (int i = 0; i < size(); i++) {
            if (i > 0) {
                text.append(", ");
            }
            text.append(type.field(i).name()).append('=').append(isNull(i) ? "null" : boxed(i));
        }
        return text.append('}').toString();
    }
}
