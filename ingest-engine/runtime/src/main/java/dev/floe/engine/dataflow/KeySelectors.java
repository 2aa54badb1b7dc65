package dev.floe.engine.dataflow;

import dev.floe.engine.spi.dataflow.KeySelector;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Key selectors over a row's top-level fields, by name. */
public final class KeySelectors {
    private KeySelectors() {}

    /**
     * Keys rows by the values of {@code fields}: each value is written with a tag for null and its
     * length, so that different values never make equal keys, and the bytes do not depend on the
     * row's schema version (a field's position may change, its value may not).
     */
    public static KeySelector fields(List<String> fields) {
        return new FieldKeySelector(List.copyOf(fields));
    }

    private static final class FieldKeySelector implements KeySelector {
        private final List<String> fields;
        private RowType type;
        private int[] positions;

        FieldKeySelector(List<String> fields) {
            this.fields = fields;
        }

        @Override
        public byte[] key(Row row) {
            if (row.type() != type) {
                bind(row.type());
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(32);
            for (int position : positions) {
                if (row.isNull(position)) {
                    bytes.write(0);
                    continue;
                }
                bytes.write(1);
                byte[] value = encode(row, position);
                bytes.write(value.length >>> 8);
                bytes.write(value.length);
                bytes.write(value, 0, value.length);
            }
            return bytes.toByteArray();
        }

        private static byte[] encode(Row row, int position) {
            switch (row.type().kind(position)) {
                case STRING: {
                    Object value = row.getReference(position);
                    if (value instanceof dev.floe.engine.spi.row.Utf8Slice) {
                        dev.floe.engine.spi.row.Utf8Slice slice = (dev.floe.engine.spi.row.Utf8Slice) value;
                        byte[] copy = new byte[slice.byteLength()];
                        System.arraycopy(slice.array(), slice.offset(), copy, 0, copy.length);
                        return copy;
                    }
                    return value.toString().getBytes(StandardCharsets.UTF_8);
                }
                case BOOLEAN:
                case INT:
                case LONG:
                case DATE:
                case TIME:
                case TIMESTAMP:
                case TIMESTAMP_NANO:
                case DECIMAL_LONG:
                case FLOAT:
                case DOUBLE:
                    return ByteBuffer.allocate(8).putLong(row.getLong(position)).array();
                default:
                    return String.valueOf(row.get(position, Object.class)).getBytes(StandardCharsets.UTF_8);
            }
        }

        private void bind(RowType rowType) {
            int[] found = new int[fields.size()];
            for (int i = 0; i < fields.size(); i++) {
                found[i] = -1;
                for (int position = 0; position < rowType.size(); position++) {
                    if (rowType.field(position).name().equals(fields.get(i))) {
                        found[i] = position;
                    }
                }
                if (found[i] < 0) {
                    throw new IllegalArgumentException(
                            "Cannot key rows by '" + fields.get(i) + "': rows of " + rowType + " have no such field");
                }
            }
            this.positions = found;
            this.type = rowType;
        }
    }
}
