package dev.floe.engine.format;

import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.Utf8Slice;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/** Decoders of single values: an Avro primitive (with its logical type) read into a column type. */
final class LeafDecoders {
    private LeafDecoders() {}

    /**
     * The decoder that reads {@code writer} values into {@code target} columns, or null when no
     * conversion exists. Avro's promotions (int to long, float or double; string to bytes and
     * back) are conversions like the others.
     */
    static FieldDecoder leaf(Schema writer, Type target) {
        Schema.Type avro = writer.getType();
        String logical =
                writer.getLogicalType() == null ? "" : writer.getLogicalType().getName();
        switch (target.typeId()) {
            case BOOLEAN:
                return avro == Schema.Type.BOOLEAN ? new BooleanDecoder() : null;
            case INTEGER:
            case DATE:
                return avro == Schema.Type.INT ? new IntDecoder() : null;
            case LONG:
                return avro == Schema.Type.LONG || avro == Schema.Type.INT ? new LongDecoder(avro, 1) : null;
            case TIME:
                if (avro == Schema.Type.INT && logical.equals("time-millis")) {
                    return new LongDecoder(avro, 1000);
                }
                return avro == Schema.Type.LONG ? new LongDecoder(avro, 1) : null;
            case TIMESTAMP:
                return avro == Schema.Type.LONG ? timestamp(logical, false) : null;
            case TIMESTAMP_NANO:
                return avro == Schema.Type.LONG ? timestamp(logical, true) : null;
            case FLOAT:
                return isNumeric(avro) ? new FloatDecoder(avro) : null;
            case DOUBLE:
                return isNumeric(avro) ? new DoubleDecoder(avro) : null;
            case STRING:
                return avro == Schema.Type.STRING || avro == Schema.Type.BYTES ? new StringDecoder() : null;
            case BINARY:
                return avro == Schema.Type.STRING || avro == Schema.Type.BYTES ? new BytesDecoder() : null;
            case FIXED:
                return avro == Schema.Type.FIXED ? new FixedDecoder(writer.getFixedSize()) : null;
            case UUID:
                if (avro == Schema.Type.STRING) {
                    return new UuidStringDecoder();
                }
                return avro == Schema.Type.FIXED && writer.getFixedSize() == 16 ? new UuidFixedDecoder() : null;
            case DECIMAL:
                return decimal(writer, (Types.DecimalType) target);
            default:
                return null;
        }
    }

    private static boolean isNumeric(Schema.Type avro) {
        return avro == Schema.Type.INT
                || avro == Schema.Type.LONG
                || avro == Schema.Type.FLOAT
                || avro == Schema.Type.DOUBLE;
    }

    private static FieldDecoder timestamp(String logical, boolean nanosTarget) {
        // scale the writer's unit to the column's: microseconds, or nanoseconds for timestamp_ns
        long writerNanos;
        if (logical.endsWith("-millis")) {
            writerNanos = 1_000_000L;
        } else if (logical.endsWith("-nanos")) {
            writerNanos = 1L;
        } else {
            writerNanos = 1_000L;
        }
        long targetNanos = nanosTarget ? 1L : 1_000L;
        if (writerNanos >= targetNanos) {
            return new LongDecoder(Schema.Type.LONG, writerNanos / targetNanos);
        }
        return new LongDivideDecoder(targetNanos / writerNanos);
    }

    private static FieldDecoder decimal(Schema writer, Types.DecimalType target) {
        if (!(writer.getLogicalType() instanceof LogicalTypes.Decimal)) {
            return null;
        }
        LogicalTypes.Decimal decimal = (LogicalTypes.Decimal) writer.getLogicalType();
        if (decimal.getScale() != target.scale() || decimal.getPrecision() > target.precision()) {
            return null;
        }
        int fixedSize = writer.getType() == Schema.Type.FIXED ? writer.getFixedSize() : -1;
        if (writer.getType() != Schema.Type.FIXED && writer.getType() != Schema.Type.BYTES) {
            return null;
        }
        return target.precision() <= 18
                ? new DecimalLongDecoder(fixedSize, target)
                : new DecimalDecoder(fixedSize, target);
    }

    private static long readAsLong(AvroInput in, Schema.Type avro) {
        return avro == Schema.Type.INT ? in.readInt() : in.readLong();
    }

    private static final class BooleanDecoder extends FieldDecoder {
        @Override
        void decode(AvroInput in, Row row, int position) {
            row.setBoolean(position, in.readBoolean());
        }

        @Override
        Object value(AvroInput in) {
            return in.readBoolean();
        }
    }

    private static final class IntDecoder extends FieldDecoder {
        @Override
        void decode(AvroInput in, Row row, int position) {
            row.setInt(position, in.readInt());
        }

        @Override
        Object value(AvroInput in) {
            return in.readInt();
        }
    }

    /** A long, or an int promoted to long, times a unit factor. */
    private static final class LongDecoder extends FieldDecoder {
        private final Schema.Type avro;
        private final long factor;

        LongDecoder(Schema.Type avro, long factor) {
            this.avro = avro;
            this.factor = factor;
        }

        @Override
        void decode(AvroInput in, Row row, int position) {
            row.setLong(position, read(in));
        }

        private long read(AvroInput in) {
            long value = readAsLong(in, avro);
            return factor == 1 ? value : Math.multiplyExact(value, factor);
        }

        @Override
        Object value(AvroInput in) {
            return read(in);
        }
    }

    /** A long in a finer unit than the column's, rounded down (toward the past). */
    private static final class LongDivideDecoder extends FieldDecoder {
        private final long divisor;

        LongDivideDecoder(long divisor) {
            this.divisor = divisor;
        }

        @Override
        void decode(AvroInput in, Row row, int position) {
            row.setLong(position, Math.floorDiv(in.readLong(), divisor));
        }

        @Override
        Object value(AvroInput in) {
            return Math.floorDiv(in.readLong(), divisor);
        }
    }

    private static final class FloatDecoder extends FieldDecoder {
        private final Schema.Type avro;

        FloatDecoder(Schema.Type avro) {
            this.avro = avro;
        }

        private float read(AvroInput in) {
            switch (avro) {
                case INT:
                    return in.readInt();
                case LONG:
                    return in.readLong();
                default:
                    return in.readFloat();
            }
        }

        @Override
        void decode(AvroInput in, Row row, int position) {
            row.setFloat(position, read(in));
        }

        @Override
        Object value(AvroInput in) {
            return read(in);
        }
    }

    private static final class DoubleDecoder extends FieldDecoder {
        private final Schema.Type avro;

        DoubleDecoder(Schema.Type avro) {
            this.avro = avro;
        }

        private double read(AvroInput in) {
            switch (avro) {
                case INT:
                    return in.readInt();
                case LONG:
                    return in.readLong();
                case FLOAT:
                    return in.readFloat();
                default:
                    return in.readDouble();
            }
        }

        @Override
        void decode(AvroInput in, Row row, int position) {
            row.setDouble(position, read(in));
        }

        @Override
        Object value(AvroInput in) {
            return read(in);
        }
    }

    /** A string (or bytes promoted to string), as a slice of the input: the row's own, refilled. */
    private static final class StringDecoder extends FieldDecoder {
        @Override
        void decode(AvroInput in, Row row, int position) {
            int start = in.readLengthPrefixed();
            row.setString(position, in.array(), start, in.lengthFrom(start));
        }

        @Override
        Object value(AvroInput in) {
            int start = in.readLengthPrefixed();
            return Utf8Slice.wrap(in.array(), start, in.lengthFrom(start));
        }
    }

    /** Bytes (or a string promoted to bytes), as a buffer over the input. */
    private static final class BytesDecoder extends FieldDecoder {
        @Override
        void decode(AvroInput in, Row row, int position) {
            row.setReference(position, value(in));
        }

        @Override
        Object value(AvroInput in) {
            int start = in.readLengthPrefixed();
            return ByteBuffer.wrap(in.array(), start, in.lengthFrom(start)).slice();
        }
    }

    private static final class FixedDecoder extends FieldDecoder {
        private final int size;

        FixedDecoder(int size) {
            this.size = size;
        }

        @Override
        void decode(AvroInput in, Row row, int position) {
            row.setReference(position, value(in));
        }

        @Override
        Object value(AvroInput in) {
            int start = in.readFixed(size);
            return ByteBuffer.wrap(in.array(), start, size).slice();
        }
    }

    private static final class UuidStringDecoder extends FieldDecoder {
        @Override
        void decode(AvroInput in, Row row, int position) {
            row.setReference(position, value(in));
        }

        @Override
        Object value(AvroInput in) {
            String text = in.readString();
            try {
                return UUID.fromString(text);
            } catch (IllegalArgumentException e) {
                throw new AvroDecodeException("invalid uuid '" + text + "'");
            }
        }
    }

    private static final class UuidFixedDecoder extends FieldDecoder {
        @Override
        void decode(AvroInput in, Row row, int position) {
            row.setReference(position, value(in));
        }

        @Override
        Object value(AvroInput in) {
            int start = in.readFixed(16);
            ByteBuffer bytes = ByteBuffer.wrap(in.array(), start, 16);
            return new UUID(bytes.getLong(), bytes.getLong());
        }
    }

    /** Reads the big-endian two's-complement bytes of an unscaled decimal into a long. */
    private static final class DecimalLongDecoder extends FieldDecoder {
        private final int fixedSize;
        private final int scale;
        private final int precision;

        DecimalLongDecoder(int fixedSize, Types.DecimalType target) {
            this.fixedSize = fixedSize;
            this.scale = target.scale();
            this.precision = target.precision();
        }

        private long read(AvroInput in) {
            int start;
            int length;
            if (fixedSize >= 0) {
                start = in.readFixed(fixedSize);
                length = fixedSize;
            } else {
                start = in.readLengthPrefixed();
                length = in.lengthFrom(start);
            }
            byte[] bytes = in.array();
            if (length == 0) {
                return 0;
            }
            if (length > 8) {
                BigInteger wide = new BigInteger(bytes, start, length);
                if (wide.bitLength() > 63) {
                    throw new AvroDecodeException("decimal does not fit precision " + precision);
                }
                return wide.longValue();
            }
            long value = bytes[start]; // sign-extends
            for (int i = 1; i < length; i++) {
                value = (value << 8) | (bytes[start + i] & 0xff);
            }
            return value;
        }

        @Override
        void decode(AvroInput in, Row row, int position) {
            row.setLong(position, read(in));
        }

        @Override
        Object value(AvroInput in) {
            return BigDecimal.valueOf(read(in), scale);
        }
    }

    private static final class DecimalDecoder extends FieldDecoder {
        private final int fixedSize;
        private final int scale;

        DecimalDecoder(int fixedSize, Types.DecimalType target) {
            this.fixedSize = fixedSize;
            this.scale = target.scale();
        }

        @Override
        void decode(AvroInput in, Row row, int position) {
            row.setReference(position, value(in));
        }

        @Override
        Object value(AvroInput in) {
            int start;
            int length;
            if (fixedSize >= 0) {
                start = in.readFixed(fixedSize);
                length = fixedSize;
            } else {
                start = in.readLengthPrefixed();
                length = in.lengthFrom(start);
            }
            if (length == 0) {
                return BigDecimal.valueOf(0, scale);
            }
            return new BigDecimal(new BigInteger(in.array(), start, length), scale);
        }
    }

    /** An enum symbol as the column's string, resolved by the writer's symbol index. */
    static final class EnumDecoder extends FieldDecoder {
        private final Utf8Slice[] symbols;
        private final String[] writerSymbols;

        /** {@code symbols[i]} is the column value of writer symbol {@code i}, or null when it has none. */
        EnumDecoder(Utf8Slice[] symbols, String[] writerSymbols) {
            this.symbols = symbols;
            this.writerSymbols = writerSymbols;
        }

        @Override
        void decode(AvroInput in, Row row, int position) {
            row.setReference(position, value(in));
        }

        @Override
        Object value(AvroInput in) {
            int index = in.readInt();
            if (index < 0 || index >= symbols.length) {
                throw new AvroDecodeException(
                        "enum index " + index + " out of range of " + symbols.length + " symbols");
            }
            Utf8Slice symbol = symbols[index];
            if (symbol == null) {
                throw new AvroDecodeException("enum symbol " + writerSymbols[index]
                        + " is unknown to the reader schema, which has no default");
            }
            return symbol;
        }
    }

    static Utf8Slice symbol(String text) {
        return Utf8Slice.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
