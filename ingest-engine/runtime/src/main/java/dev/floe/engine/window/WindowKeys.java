package dev.floe.engine.window;

import dev.floe.engine.spi.dataflow.KeySelector;
import dev.floe.engine.spi.row.FieldKind;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.row.Utf8Slice;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Window keys as bytes that can be read back: for each key field a null tag, then the value, a
 * primitive as its 8 raw bytes (an int widened to a long keys alike) and a string as its length and
 * UTF-8 bytes. A timer carries only the key, so the window operator rebuilds the key columns of
 * its rows from these bytes.
 */
final class WindowKeys {
    private WindowKeys() {}

    /** Whether a column of {@code kind} can key windows. */
    static boolean supported(FieldKind kind) {
        return kind.isPrimitive() || kind == FieldKind.STRING;
    }

    /** A key selector of {@code fields}; thread-safe, as the source subtasks share it. */
    static KeySelector selector(List<String> fields) {
        return new Selector(List.copyOf(fields));
    }

    /** Writes the key columns of {@code key} to {@code out} at {@code first}, onwards, typed as {@code out}'s. */
    static void decode(byte[] key, Row out, int first, int count) {
        ByteBuffer buffer = ByteBuffer.wrap(key);
        for (int i = 0; i < count; i++) {
            int position = first + i;
            if (buffer.get() == 0) {
                out.setNull(position);
            } else if (out.type().kind(position) == FieldKind.STRING) {
                byte[] bytes = new byte[buffer.getInt()];
                buffer.get(bytes);
                out.setReference(position, Utf8Slice.wrap(bytes));
            } else {
                out.setLong(position, buffer.getLong());
            }
        }
    }

    private static final class Selector implements KeySelector {
        private final List<String> fields;
        private volatile Binding binding;

        Selector(List<String> fields) {
            this.fields = fields;
        }

        @Override
        public byte[] key(Row row) {
            Binding current = binding;
            if (current == null || current.type != row.type()) {
                current = new Binding(row.type(), fields);
                binding = current;
            }
            int size = 0;
            for (int position : current.positions) {
                size += 1;
                if (!row.isNull(position)) {
                    size += row.type().kind(position) == FieldKind.STRING ? 4 + utf8Length(row, position) : 8;
                }
            }
            ByteBuffer buffer = ByteBuffer.allocate(size);
            for (int position : current.positions) {
                if (row.isNull(position)) {
                    buffer.put((byte) 0);
                    continue;
                }
                buffer.put((byte) 1);
                if (row.type().kind(position) == FieldKind.STRING) {
                    Object value = row.getReference(position);
                    if (value instanceof Utf8Slice) {
                        Utf8Slice slice = (Utf8Slice) value;
                        buffer.putInt(slice.byteLength()).put(slice.array(), slice.offset(), slice.byteLength());
                    } else {
                        byte[] bytes = value.toString().getBytes(StandardCharsets.UTF_8);
                        buffer.putInt(bytes.length).put(bytes);
                    }
                } else {
                    buffer.putLong(row.getLong(position));
                }
            }
            return buffer.array();
        }

        private static int utf8Length(Row row, int position) {
            Object value = row.getReference(position);
            return value instanceof Utf8Slice
                    ? ((Utf8Slice) value).byteLength()
                    : value.toString().getBytes(StandardCharsets.UTF_8).length;
        }
    }

    /** Key field positions in rows of one type. */
    private static final class Binding {
        final RowType type;
        final int[] positions;

        Binding(RowType type, List<String> fields) {
            this.type = type;
            this.positions = new int[fields.size()];
            for (int i = 0; i < fields.size(); i++) {
                positions[i] = -1;
                for (int position = 0; position < type.size(); position++) {
                    if (type.field(position).name().equals(fields.get(i))) {
                        positions[i] = position;
                    }
                }
                if (positions[i] < 0 || !supported(type.kind(positions[i]))) {
                    throw new dev.floe.engine.spi.error.BadRecordException(
                            dev.floe.engine.transform.TransformErrorCode.SCHEMA_MISMATCH,
                            "window",
                            "Cannot key the record's window by '" + fields.get(i) + "': rows of " + type
                                    + (positions[i] < 0 ? " have no such field" : " hold it as a nested value"));
                }
            }
        }
    }
}
