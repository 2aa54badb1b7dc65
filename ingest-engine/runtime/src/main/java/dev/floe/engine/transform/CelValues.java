package dev.floe.engine.transform;

import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.NullableType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import dev.floe.engine.spi.row.FieldKind;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.row.Utf8Slice;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * How the engine's values meet CEL's: the CEL type of a column, a row's value as CEL sees it, and
 * an expression's result as a column. Decimals are doubles to CEL (CEL has no decimal type), dates
 * and timestamps are CEL timestamps, times are microseconds since midnight, nested records are maps.
 */
final class CelValues {
    private CelValues() {}

    /** The CEL type of a column of {@code type}; nullable when the column is optional. */
    static CelType celType(Type type, boolean optional) {
        CelType base = baseType(type);
        if (optional && base instanceof SimpleType && base.kind() != CelKind.DYN) {
            return NullableType.create(base);
        }
        return base;
    }

    private static CelType baseType(Type type) {
        switch (type.typeId()) {
            case BOOLEAN:
                return SimpleType.BOOL;
            case INTEGER:
            case LONG:
            case TIME:
                return SimpleType.INT;
            case FLOAT:
            case DOUBLE:
            case DECIMAL:
                return SimpleType.DOUBLE;
            case STRING:
            case UUID:
                return SimpleType.STRING;
            case BINARY:
            case FIXED:
                return SimpleType.BYTES;
            case DATE:
            case TIMESTAMP:
            case TIMESTAMP_NANO:
                return SimpleType.TIMESTAMP;
            case LIST:
                return ListType.create(baseType(type.asListType().elementType()));
            case MAP:
                return MapType.create(
                        baseType(type.asMapType().keyType()),
                        baseType(type.asMapType().valueType()));
            case STRUCT:
                return MapType.create(SimpleType.STRING, SimpleType.DYN);
            default:
                return SimpleType.DYN;
        }
    }

    /** The value at {@code position} of {@code row} as CEL sees it; {@link NullValue} for null. */
    static Object value(Row row, int position) {
        if (row.isNull(position)) {
            return NullValue.NULL_VALUE;
        }
        RowType type = row.type();
        switch (type.kind(position)) {
            case BOOLEAN:
                return row.getBoolean(position);
            case INT:
            case LONG:
            case TIME:
                return row.getLong(position);
            case FLOAT:
                return (double) row.getFloat(position);
            case DOUBLE:
                return row.getDouble(position);
            case DECIMAL_LONG:
                return BigDecimal.valueOf(row.getLong(position), type.scale(position))
                        .doubleValue();
            case DECIMAL:
                return ((BigDecimal) row.getReference(position)).doubleValue();
            case DATE:
                return Instant.ofEpochSecond(row.getLong(position) * 86_400L);
            case TIMESTAMP:
                return micros(row.getLong(position));
            case TIMESTAMP_NANO:
                long nanos = row.getLong(position);
                return Instant.ofEpochSecond(
                        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
            case STRING:
            case UUID:
                return row.getReference(position).toString();
            case FIXED:
            case BINARY:
                return bytes((ByteBuffer) row.getReference(position));
            case STRUCT:
                return struct((Row) row.getReference(position));
            default:
                return nested(row.getReference(position));
        }
    }

    private static Instant micros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }

    private static CelByteString bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] copy = new byte[view.remaining()];
        view.get(copy);
        return CelByteString.of(copy);
    }

    private static Map<String, Object> struct(Row row) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < row.size(); i++) {
            if (!row.isNull(i)) {
                map.put(row.type().field(i).name(), value(row, i));
            }
        }
        return map;
    }

    /** Values inside lists and maps, in their {@link Row#get} representation. */
    private static Object nested(Object value) {
        if (value == null) {
            return NullValue.NULL_VALUE;
        } else if (value instanceof CharSequence) {
            return value.toString();
        } else if (value instanceof Integer) {
            return ((Integer) value).longValue();
        } else if (value instanceof Float) {
            return ((Float) value).doubleValue();
        } else if (value instanceof BigDecimal) {
            return ((BigDecimal) value).doubleValue();
        } else if (value instanceof ByteBuffer) {
            return bytes((ByteBuffer) value);
        } else if (value instanceof Row) {
            return struct((Row) value);
        } else if (value instanceof List) {
            List<Object> list = new ArrayList<>();
            for (Object element : (List<?>) value) {
                list.add(nested(element));
            }
            return list;
        } else if (value instanceof Map) {
            Map<Object, Object> map = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                map.put(nested(entry.getKey()), nested(entry.getValue()));
            }
            return map;
        }
        return value;
    }

    /**
     * The column type of an expression's result type, or null when the result has no column type
     * (dyn, a type, a message): the expression must convert it first.
     */
    static Type icebergType(CelType type) {
        CelType base = type instanceof NullableType ? ((NullableType) type).targetType() : type;
        switch (base.kind()) {
            case BOOL:
                return Types.BooleanType.get();
            case INT:
            case UINT:
                return Types.LongType.get();
            case DOUBLE:
                return Types.DoubleType.get();
            case STRING:
                return Types.StringType.get();
            case BYTES:
                return Types.BinaryType.get();
            case TIMESTAMP:
                return Types.TimestampType.withZone();
            case DURATION:
                return Types.LongType.get();
            default:
                return null;
        }
    }

    /** Stores an expression's result at {@code position} of {@code row}, typed by {@link #icebergType}. */
    static void store(Object result, Row row, int position) {
        if (result == null || result instanceof NullValue || result instanceof com.google.protobuf.NullValue) {
            row.setNull(position);
            return;
        }
        FieldKind kind = row.type().kind(position);
        switch (kind) {
            case BOOLEAN:
                row.setBoolean(position, (Boolean) result);
                break;
            case LONG:
                if (result instanceof java.time.Duration) {
                    java.time.Duration duration = (java.time.Duration) result;
                    row.setLong(
                            position,
                            Math.addExact(
                                    Math.multiplyExact(duration.getSeconds(), 1_000_000L), duration.getNano() / 1000));
                } else {
                    row.setLong(position, ((Number) result).longValue());
                }
                break;
            case DOUBLE:
                row.setDouble(position, ((Number) result).doubleValue());
                break;
            case STRING:
                row.setReference(position, Utf8Slice.of(result.toString()));
                break;
            case BINARY:
                row.setReference(position, ByteBuffer.wrap(((CelByteString) result).toByteArray()));
                break;
            case TIMESTAMP:
                Instant instant = (Instant) result;
                row.setLong(
                        position,
                        Math.addExact(
                                Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000));
                break;
            default:
                throw new IllegalStateException("Cannot store an expression result in a " + kind + " column");
        }
    }
}
