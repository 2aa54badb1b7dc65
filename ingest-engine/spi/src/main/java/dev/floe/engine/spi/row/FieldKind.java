package dev.floe.engine.spi.row;

import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * How a {@link Row} stores one field: unboxed in the row's primitive slots, or as a reference.
 *
 * <p>Primitive kinds keep their value in a {@code long} (floats and doubles as raw bits). Decimals
 * of precision up to 18 keep their unscaled value there too, which is also how Parquet stores them.
 */
public enum FieldKind {
    BOOLEAN(true),
    INT(true),
    LONG(true),
    FLOAT(true),
    DOUBLE(true),
    /** Days since 1970-01-01. */
    DATE(true),
    /** Microseconds since midnight. */
    TIME(true),
    /** Microseconds since the epoch; with or without zone per the Iceberg type. */
    TIMESTAMP(true),
    /** Nanoseconds since the epoch (format v3). */
    TIMESTAMP_NANO(true),
    /** A decimal of precision at most 18, kept as its unscaled {@code long}. */
    DECIMAL_LONG(true),
    /** A wider decimal, kept as a {@link java.math.BigDecimal}. */
    DECIMAL(false),
    /** A {@link CharSequence}, usually a {@link Utf8Slice}. */
    STRING(false),
    UUID(false),
    /** A {@link java.nio.ByteBuffer} of the type's fixed length. */
    FIXED(false),
    /** A {@link java.nio.ByteBuffer}. */
    BINARY(false),
    /** A nested {@link Row}. */
    STRUCT(false),
    /** A {@link java.util.List} of values in their {@link Row#get} representation. */
    LIST(false),
    /** A {@link java.util.Map} of values in their {@link Row#get} representation. */
    MAP(false);

    private final boolean primitive;

    FieldKind(boolean primitive) {
        this.primitive = primitive;
    }

    public boolean isPrimitive() {
        return primitive;
    }

    public static FieldKind of(Type type) {
        switch (type.typeId()) {
            case BOOLEAN:
                return BOOLEAN;
            case INTEGER:
                return INT;
            case LONG:
                return LONG;
            case FLOAT:
                return FLOAT;
            case DOUBLE:
                return DOUBLE;
            case DATE:
                return DATE;
            case TIME:
                return TIME;
            case TIMESTAMP:
                return TIMESTAMP;
            case TIMESTAMP_NANO:
                return TIMESTAMP_NANO;
            case DECIMAL:
                return ((Types.DecimalType) type).precision() <= 18 ? DECIMAL_LONG : DECIMAL;
            case STRING:
                return STRING;
            case UUID:
                return UUID;
            case FIXED:
                return FIXED;
            case BINARY:
                return BINARY;
            case STRUCT:
                return STRUCT;
            case LIST:
                return LIST;
            case MAP:
                return MAP;
            default:
                throw new IllegalArgumentException("Cannot store Iceberg type " + type + " in a row");
        }
    }
}
