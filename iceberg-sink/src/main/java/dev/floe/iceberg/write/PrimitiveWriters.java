package dev.floe.iceberg.write;

import dev.floe.engine.spi.row.FieldKind;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.Utf8Slice;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.iceberg.DoubleFieldMetrics;
import org.apache.iceberg.FieldMetrics;
import org.apache.iceberg.FloatFieldMetrics;
import org.apache.iceberg.parquet.TripleWriter;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType;

/** Leaf writers: one Parquet column each, fed with unboxed values straight from the row. */
final class PrimitiveWriters {
    private PrimitiveWriters() {}

    static ValueWriters.FieldWriter of(
            FieldKind kind, Type type, ColumnDescriptor column, int position, int nullLevel, boolean optional) {
        PrimitiveType.PrimitiveTypeName physical = column.getPrimitiveType().getPrimitiveTypeName();
        switch (kind) {
            case BOOLEAN:
                return new BooleanLeaf(column, position, nullLevel, optional);
            case INT:
            case DATE:
                return new IntLeaf(column, position, nullLevel, optional);
            case LONG:
            case TIME:
            case TIMESTAMP:
            case TIMESTAMP_NANO:
                return new LongLeaf(column, position, nullLevel, optional);
            case FLOAT:
                return new FloatLeaf(column, position, nullLevel, optional);
            case DOUBLE:
                return new DoubleLeaf(column, position, nullLevel, optional);
            case DECIMAL_LONG:
                return new DecimalLongLeaf(
                        column, position, nullLevel, optional, ((Types.DecimalType) type).scale(), physical);
            case DECIMAL:
                return new DecimalFixedLeaf(column, position, nullLevel, optional, ((Types.DecimalType) type).scale());
            case STRING:
                return new StringLeaf(column, position, nullLevel, optional);
            case UUID:
                return new UuidLeaf(column, position, nullLevel, optional);
            case FIXED:
            case BINARY:
                return new BytesLeaf(column, position, nullLevel, optional);
            default:
                throw new IllegalArgumentException("Cannot write " + kind + " values into column " + column);
        }
    }

    /** A column: nulls at their definition level, values at the column's maximum. */
    private abstract static class Leaf extends ValueWriters.FieldWriter implements TripleWriter<Object> {
        final ColumnDescriptor descriptor;
        final int maxLevel;
        final String name;
        ColumnWriter column;

        Leaf(ColumnDescriptor descriptor, int position, int nullLevel, boolean optional) {
            super(position, nullLevel, optional);
            this.descriptor = descriptor;
            this.maxLevel = descriptor.getMaxDefinitionLevel();
            this.name = String.join(".", descriptor.getPath());
        }

        @Override
        final void write(int repetitionLevel, Row row) {
            if (row.isNull(position)) {
                writeAbsent(repetitionLevel, name);
            } else {
                writeField(repetitionLevel, row);
            }
        }

        @Override
        final void writeObject(int repetitionLevel, Object value) {
            if (value == null) {
                writeAbsent(repetitionLevel, name);
            } else {
                writeBoxed(repetitionLevel, value);
            }
        }

        /** Writes the present field {@link #position} of {@code row} with its typed accessor. */
        abstract void writeField(int repetitionLevel, Row row);

        abstract void writeBoxed(int repetitionLevel, Object value);

        @Override
        public void write(int repetitionLevel, Object value) {
            writeObject(repetitionLevel, value);
        }

        @Override
        public void writeNull(int repetitionLevel, int definitionLevel) {
            column.writeNull(repetitionLevel, definitionLevel);
        }

        @Override
        void collectColumns(List<TripleWriter<?>> columns) {
            columns.add(this);
        }

        @Override
        void setColumnStore(ColumnWriteStore store) {
            column = store.getColumnWriter(descriptor);
        }

        int fieldId() {
            return descriptor.getPrimitiveType().getId().intValue();
        }
    }

    private static final class BooleanLeaf extends Leaf {
        BooleanLeaf(ColumnDescriptor descriptor, int position, int nullLevel, boolean optional) {
            super(descriptor, position, nullLevel, optional);
        }

        @Override
        void writeField(int repetitionLevel, Row row) {
            column.write(row.getBoolean(position), repetitionLevel, maxLevel);
        }

        @Override
        void writeBoxed(int repetitionLevel, Object value) {
            column.write((Boolean) value, repetitionLevel, maxLevel);
        }
    }

    private static final class IntLeaf extends Leaf {
        IntLeaf(ColumnDescriptor descriptor, int position, int nullLevel, boolean optional) {
            super(descriptor, position, nullLevel, optional);
        }

        @Override
        void writeField(int repetitionLevel, Row row) {
            column.write(row.getInt(position), repetitionLevel, maxLevel);
        }

        @Override
        void writeBoxed(int repetitionLevel, Object value) {
            column.write(((Number) value).intValue(), repetitionLevel, maxLevel);
        }
    }

    private static final class LongLeaf extends Leaf {
        LongLeaf(ColumnDescriptor descriptor, int position, int nullLevel, boolean optional) {
            super(descriptor, position, nullLevel, optional);
        }

        @Override
        void writeField(int repetitionLevel, Row row) {
            column.write(row.getLong(position), repetitionLevel, maxLevel);
        }

        @Override
        void writeBoxed(int repetitionLevel, Object value) {
            column.write(((Number) value).longValue(), repetitionLevel, maxLevel);
        }
    }

    /** Floats, with the NaN count and bounds Iceberg keeps in its metrics (Parquet's stats omit NaN). */
    private static final class FloatLeaf extends Leaf {
        private final FloatFieldMetrics.Builder metrics;

        FloatLeaf(ColumnDescriptor descriptor, int position, int nullLevel, boolean optional) {
            super(descriptor, position, nullLevel, optional);
            this.metrics = new FloatFieldMetrics.Builder(fieldId());
        }

        @Override
        void writeField(int repetitionLevel, Row row) {
            float value = row.getFloat(position);
            metrics.addValue(value);
            column.write(value, repetitionLevel, maxLevel);
        }

        @Override
        void writeBoxed(int repetitionLevel, Object value) {
            float number = ((Number) value).floatValue();
            metrics.addValue(number);
            column.write(number, repetitionLevel, maxLevel);
        }

        @Override
        Stream<FieldMetrics<?>> metrics() {
            return Stream.of(metrics.build());
        }
    }

    private static final class DoubleLeaf extends Leaf {
        private final DoubleFieldMetrics.Builder metrics;

        DoubleLeaf(ColumnDescriptor descriptor, int position, int nullLevel, boolean optional) {
            super(descriptor, position, nullLevel, optional);
            this.metrics = new DoubleFieldMetrics.Builder(fieldId());
        }

        @Override
        void writeField(int repetitionLevel, Row row) {
            double value = row.getDouble(position);
            metrics.addValue(value);
            column.write(value, repetitionLevel, maxLevel);
        }

        @Override
        void writeBoxed(int repetitionLevel, Object value) {
            double number = ((Number) value).doubleValue();
            metrics.addValue(number);
            column.write(number, repetitionLevel, maxLevel);
        }

        @Override
        Stream<FieldMetrics<?>> metrics() {
            return Stream.of(metrics.build());
        }
    }

    /** A decimal of precision up to 18 from its unscaled long: INT32 up to 9 digits, INT64 above. */
    private static final class DecimalLongLeaf extends Leaf {
        private final int scale;
        private final boolean int32;

        DecimalLongLeaf(
                ColumnDescriptor descriptor,
                int position,
                int nullLevel,
                boolean optional,
                int scale,
                PrimitiveType.PrimitiveTypeName physical) {
            super(descriptor, position, nullLevel, optional);
            this.scale = scale;
            this.int32 = physical == PrimitiveType.PrimitiveTypeName.INT32;
        }

        @Override
        void writeField(int repetitionLevel, Row row) {
            writeUnscaled(repetitionLevel, row.getLong(position));
        }

        private void writeUnscaled(int repetitionLevel, long unscaled) {
            if (int32) {
                column.write((int) unscaled, repetitionLevel, maxLevel);
            } else {
                column.write(unscaled, repetitionLevel, maxLevel);
            }
        }

        @Override
        void writeBoxed(int repetitionLevel, Object value) {
            BigDecimal decimal = (BigDecimal) value;
            if (decimal.scale() != scale) {
                throw new IllegalArgumentException(
                        "Cannot write decimal " + decimal + " into column " + name + " of scale " + scale);
            }
            writeUnscaled(repetitionLevel, decimal.unscaledValue().longValueExact());
        }
    }

    /** A wide decimal as fixed-length big-endian two's complement bytes. */
    private static final class DecimalFixedLeaf extends Leaf {
        private final int scale;
        private final byte[] buffer;

        DecimalFixedLeaf(ColumnDescriptor descriptor, int position, int nullLevel, boolean optional, int scale) {
            super(descriptor, position, nullLevel, optional);
            this.scale = scale;
            this.buffer = new byte[descriptor.getPrimitiveType().getTypeLength()];
        }

        @Override
        void writeField(int repetitionLevel, Row row) {
            writeBoxed(repetitionLevel, row.getReference(position));
        }

        @Override
        void writeBoxed(int repetitionLevel, Object value) {
            BigDecimal decimal = (BigDecimal) value;
            if (decimal.scale() != scale) {
                throw new IllegalArgumentException(
                        "Cannot write decimal " + decimal + " into column " + name + " of scale " + scale);
            }
            byte[] unscaled = decimal.unscaledValue().toByteArray();
            if (unscaled.length > buffer.length) {
                throw new IllegalArgumentException(
                        "Cannot write decimal " + decimal + " into column " + name + ": too many digits");
            }
            byte fill = (byte) (decimal.signum() < 0 ? 0xff : 0);
            int pad = buffer.length - unscaled.length;
            for (int i = 0; i < pad; i++) {
                buffer[i] = fill;
            }
            System.arraycopy(unscaled, 0, buffer, pad, unscaled.length);
            column.write(Binary.fromReusedByteArray(buffer), repetitionLevel, maxLevel);
        }
    }

    /** Strings: slices go to Parquet as the bytes they already are. */
    private static final class StringLeaf extends Leaf {
        StringLeaf(ColumnDescriptor descriptor, int position, int nullLevel, boolean optional) {
            super(descriptor, position, nullLevel, optional);
        }

        @Override
        void writeField(int repetitionLevel, Row row) {
            writeBoxed(repetitionLevel, row.getReference(position));
        }

        @Override
        void writeBoxed(int repetitionLevel, Object value) {
            Binary binary;
            if (value instanceof Utf8Slice) {
                Utf8Slice slice = (Utf8Slice) value;
                // Parquet copies what it keeps (dictionary entries, statistics)
                binary = Binary.fromReusedByteArray(slice.array(), slice.offset(), slice.byteLength());
            } else {
                binary = Binary.fromString(value.toString());
            }
            column.write(binary, repetitionLevel, maxLevel);
        }
    }

    private static final class UuidLeaf extends Leaf {
        private final ByteBuffer buffer = ByteBuffer.allocate(16);

        UuidLeaf(ColumnDescriptor descriptor, int position, int nullLevel, boolean optional) {
            super(descriptor, position, nullLevel, optional);
        }

        @Override
        void writeField(int repetitionLevel, Row row) {
            writeBoxed(repetitionLevel, row.getReference(position));
        }

        @Override
        void writeBoxed(int repetitionLevel, Object value) {
            UUID uuid = (UUID) value;
            buffer.clear();
            buffer.putLong(uuid.getMostSignificantBits())
                    .putLong(uuid.getLeastSignificantBits())
                    .flip();
            column.write(Binary.fromReusedByteBuffer(buffer), repetitionLevel, maxLevel);
        }
    }

    private static final class BytesLeaf extends Leaf {
        BytesLeaf(ColumnDescriptor descriptor, int position, int nullLevel, boolean optional) {
            super(descriptor, position, nullLevel, optional);
        }

        @Override
        void writeField(int repetitionLevel, Row row) {
            writeBoxed(repetitionLevel, row.getReference(position));
        }

        @Override
        void writeBoxed(int repetitionLevel, Object value) {
            ByteBuffer bytes = value instanceof byte[] ? ByteBuffer.wrap((byte[]) value) : (ByteBuffer) value;
            column.write(Binary.fromReusedByteBuffer(bytes), repetitionLevel, maxLevel);
        }
    }
}
