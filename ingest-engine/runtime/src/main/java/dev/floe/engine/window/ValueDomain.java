package dev.floe.engine.window;

import dev.floe.engine.spi.row.FieldKind;
import dev.floe.engine.spi.row.Row;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How an aggregate holds the values of a column: integral kinds (and booleans, dates, timestamps,
 * narrow decimals' unscaled values) as longs, floating kinds as doubles, strings as strings, wide
 * decimals as {@link BigDecimal}s.
 */
enum ValueDomain {
    LONG,
    DOUBLE,
    STRING,
    BIG_DECIMAL;

    /** The domain of a column of {@code kind}, or null when aggregates cannot hold it. */
    static ValueDomain of(FieldKind kind) {
        switch (kind) {
            case BOOLEAN:
            case INT:
            case LONG:
            case DATE:
            case TIME:
            case TIMESTAMP:
            case TIMESTAMP_NANO:
            case DECIMAL_LONG:
                return LONG;
            case FLOAT:
            case DOUBLE:
                return DOUBLE;
            case STRING:
                return STRING;
            case DECIMAL:
                return BIG_DECIMAL;
            default:
                return null;
        }
    }

    static boolean numeric(FieldKind kind) {
        switch (kind) {
            case INT:
            case LONG:
            case FLOAT:
            case DOUBLE:
            case DECIMAL_LONG:
            case DECIMAL:
                return true;
            default:
                return false;
        }
    }

    /** The value at {@code position} as a long (domain {@link #LONG}). */
    static long readLong(Row row, int position) {
        return row.getLong(position);
    }

    /** The value at {@code position} as a double (domain {@link #DOUBLE}). */
    static double readDouble(Row row, int position) {
        return row.type().kind(position) == FieldKind.FLOAT ? row.getFloat(position) : row.getDouble(position);
    }

    /** The value at {@code position} as an object (domains {@link #STRING} and {@link #BIG_DECIMAL}). */
    static Object readObject(Row row, int position) {
        Object value = row.getReference(position);
        return value instanceof CharSequence ? value.toString() : value;
    }

    /** The value's bytes, equal exactly when the values are: for distinct counts. */
    static byte[] bytes(Row row, int position) {
        switch (of(row.type().kind(position))) {
            case LONG:
                return ByteBuffer.allocate(8).putLong(row.getLong(position)).array();
            case DOUBLE:
                double value = readDouble(row, position);
                // -0.0 and 0.0 are one value; every NaN is one value
                return ByteBuffer.allocate(8)
                        .putLong(Double.doubleToLongBits(value == 0.0 ? 0.0 : value))
                        .array();
            case STRING:
                return row.getReference(position).toString().getBytes(StandardCharsets.UTF_8);
            default:
                BigDecimal decimal = ((BigDecimal) row.getReference(position)).stripTrailingZeros();
                return decimal.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Orders strings by code point, as SQL engines order UTF-8 text. */
    static int compareStrings(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
