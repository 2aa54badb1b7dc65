package dev.floe.engine.transform;

import dev.floe.engine.spi.dataflow.RecordMetadata;
import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.row.FieldKind;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.Utf8Slice;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The conversions a {@code cast} transform makes: between numbers (rounding half up, refusing what
 * does not fit), to and from strings, between dates and timestamps.
 */
final class Casts {
    private static final Pattern DECIMAL = Pattern.compile("decimal\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");

    private Casts() {}

    /** The type a cast's type name means, or null when it means none. */
    static Type type(String name) {
        String text = name.trim().toLowerCase(Locale.ROOT);
        switch (text) {
            case "boolean":
                return Types.BooleanType.get();
            case "int":
                return Types.IntegerType.get();
            case "long":
                return Types.LongType.get();
            case "float":
                return Types.FloatType.get();
            case "double":
                return Types.DoubleType.get();
            case "string":
                return Types.StringType.get();
            case "date":
                return Types.DateType.get();
            case "timestamp":
                return Types.TimestampType.withoutZone();
            case "timestamptz":
                return Types.TimestampType.withZone();
            default:
                Matcher matcher = DECIMAL.matcher(text);
                if (matcher.matches()) {
                    int precision = Integer.parseInt(matcher.group(1));
                    int scale = Integer.parseInt(matcher.group(2));
                    if (precision >= 1 && precision <= 38 && scale <= precision) {
                        return Types.DecimalType.of(precision, scale);
                    }
                }
                return null;
        }
    }

    /**
     * The column converting the input's column at {@code from} (of {@code source}) to {@code target}.
     *
     * @throws IllegalArgumentException when no such conversion exists
     */
    static Column column(String name, int from, Type source, Type target, String where) {
        FieldKind in = FieldKind.of(source);
        FieldKind out = FieldKind.of(target);
        boolean numericIn = numeric(in);
        boolean supported = in == out
                || (numericIn && numeric(out))
                || out == FieldKind.STRING && (in.isPrimitive() || in == FieldKind.DECIMAL || in == FieldKind.UUID)
                || in == FieldKind.STRING
                        && (numeric(out)
                                || out == FieldKind.BOOLEAN
                                || out == FieldKind.DATE
                                || out == FieldKind.TIMESTAMP)
                || in == FieldKind.BOOLEAN && numeric(out)
                || in == FieldKind.DATE && out == FieldKind.TIMESTAMP
                || in == FieldKind.TIMESTAMP && out == FieldKind.DATE;
        if (!supported) {
            throw new IllegalArgumentException("cannot cast column '" + name + "' from " + source + " to " + target);
        }
        int scale = target instanceof Types.DecimalType ? ((Types.DecimalType) target).scale() : 0;
        int precision = target instanceof Types.DecimalType ? ((Types.DecimalType) target).precision() : 0;
        return new Column() {
            @Override
            void write(Row row, RecordMetadata record, Row output, int position) {
                if (row.isNull(from)) {
                    output.setNull(position);
                    return;
                }
                try {
                    convert(row, from, in, output, position, out, precision, scale);
                } catch (RuntimeException e) {
                    throw new BadRecordException(
                            TransformErrorCode.CAST_FAILED,
                            Expression.STAGE,
                            "Cannot cast column '" + name + "' to " + target + " (" + where + "): value "
                                    + row.get(from, Object.class) + ": " + e.getMessage());
                }
            }
        };
    }

    private static boolean numeric(FieldKind kind) {
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

    private static void convert(
            Row row, int from, FieldKind in, Row output, int position, FieldKind out, int precision, int scale) {
        if (in == out && in != FieldKind.DECIMAL_LONG && in != FieldKind.DECIMAL) {
            Column.copySlot(row, from, output, position);
            return;
        }
        switch (out) {
            case STRING:
                output.setReference(position, Utf8Slice.of(text(row, from, in)));
                return;
            case DATE:
                output.setInt(
                        position,
                        in == FieldKind.TIMESTAMP
                                ? (int) Math.floorDiv(row.getLong(from), 86_400_000_000L)
                                : (int) LocalDate.parse(text(row, from, in)).toEpochDay());
                return;
            case TIMESTAMP:
                output.setLong(
                        position,
                        in == FieldKind.DATE
                                ? row.getLong(from) * 86_400_000_000L
                                : parseTimestamp(text(row, from, in)));
                return;
            case BOOLEAN:
                String value = text(row, from, in).trim().toLowerCase(Locale.ROOT);
                if (!value.equals("true") && !value.equals("false")) {
                    throw new IllegalArgumentException("not true or false");
                }
                output.setBoolean(position, value.equals("true"));
                return;
            default:
                BigDecimal number = decimal(row, from, in);
                switch (out) {
                    case INT:
                        output.setInt(
                                position,
                                number.setScale(0, RoundingMode.HALF_UP).intValueExact());
                        return;
                    case LONG:
                        output.setLong(
                                position,
                                number.setScale(0, RoundingMode.HALF_UP).longValueExact());
                        return;
                    case FLOAT:
                        output.setFloat(position, number.floatValue());
                        return;
                    case DOUBLE:
                        output.setDouble(position, number.doubleValue());
                        return;
                    default:
                        BigDecimal scaled = number.setScale(scale, RoundingMode.HALF_UP);
                        if (scaled.precision() > precision) {
                            throw new ArithmeticException("more than " + precision + " digits");
                        }
                        if (out == FieldKind.DECIMAL_LONG) {
                            output.setLong(position, scaled.unscaledValue().longValueExact());
                        } else {
                            output.setReference(position, scaled);
                        }
                }
        }
    }

    private static BigDecimal decimal(Row row, int from, FieldKind in) {
        switch (in) {
            case BOOLEAN:
                return row.getBoolean(from) ? BigDecimal.ONE : BigDecimal.ZERO;
            case INT:
            case LONG:
                return BigDecimal.valueOf(row.getLong(from));
            case FLOAT:
                return new BigDecimal(Float.toString(row.getFloat(from)));
            case DOUBLE:
                return BigDecimal.valueOf(row.getDouble(from));
            case DECIMAL_LONG:
                return BigDecimal.valueOf(row.getLong(from), row.type().scale(from));
            case DECIMAL:
                return (BigDecimal) row.getReference(from);
            default:
                return new BigDecimal(row.getReference(from).toString().trim());
        }
    }

    private static String text(Row row, int from, FieldKind in) {
        switch (in) {
            case TIMESTAMP:
                long micros = row.getLong(from);
                return Instant.ofEpochSecond(
                                Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000)
                        .toString();
            case DATE:
                return LocalDate.ofEpochDay(row.getLong(from)).toString();
            case DECIMAL_LONG:
            case DECIMAL:
                return decimal(row, from, in).toPlainString();
            default:
                return String.valueOf(row.get(from, Object.class));
        }
    }

    private static long parseTimestamp(String text) {
        Instant instant;
        if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")) {
            instant = java.time.OffsetDateTime.parse(text.trim()).toInstant();
        } else {
            instant = LocalDateTime.parse(text.trim()).toInstant(ZoneOffset.UTC);
        }
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }
}
