package dev.floe.iceberg;

import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.row.FieldKind;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import java.math.BigDecimal;
import java.util.List;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Rows of one type written into a table of another: the same layout (names, types and order, ids
 * aside) is written as it is; otherwise columns are matched by name, ints widen to longs and
 * floats to doubles, and table columns the rows lack are null. Rows that cannot fit the table (a
 * required column missing, a type that cannot become the column's) are refused with the column's
 * name and both types. Decimals widen in precision at the same scale, and nested records are fitted
 * the same way, as the table may have evolved.
 */
final class RowFitting {
    private final int[] sources;
    /** Per table column, how a nested record of another layout fits its struct; null for as it is. */
    private final RowFitting[] nested;

    private final Row output;
    private final RowType target;

    private RowFitting(int[] sources, RowFitting[] nested, RowType target) {
        this.sources = sources;
        this.nested = nested;
        this.target = target;
        this.output = new Row(target);
    }

    /** Null when rows of {@code source} can be written into {@code target} as they are. */
    static RowFitting between(RowType source, RowType target, String table) {
        return between(source, target, table, "");
    }

    private static RowFitting between(RowType source, RowType target, String table, String prefix) {
        if (sameLayout(source.struct(), target.struct())) {
            return null;
        }
        int[] sources = new int[target.size()];
        RowFitting[] nested = new RowFitting[target.size()];
        for (int i = 0; i < target.size(); i++) {
            Types.NestedField column = target.field(i);
            sources[i] = -1;
            for (int j = 0; j < source.size(); j++) {
                if (source.field(j).name().equals(column.name())) {
                    sources[i] = j;
                    Types.NestedField field = source.field(j);
                    if (source.kind(j) == FieldKind.STRUCT && target.kind(i) == FieldKind.STRUCT) {
                        // a nested record of an older layout (the table's struct gained fields, say)
                        nested[i] = between(source.nested(j), target.nested(i), table, prefix + column.name() + ".");
                    } else if (!fits(source.kind(j), target.kind(i), field.type(), column.type())) {
                        throw new FatalException(
                                IcebergErrorCode.SCHEMA_MISMATCH,
                                "Cannot write the records into table " + table + ": column '" + prefix + column.name()
                                        + "' is " + column.type() + " in the table and " + field.type()
                                        + " in the records");
                    }
                }
            }
            if (sources[i] < 0 && column.isRequired()) {
                throw new FatalException(
                        IcebergErrorCode.SCHEMA_MISMATCH,
                        "Cannot write the records into table " + table + ": its required column '" + prefix
                                + column.name() + "' (" + column.type() + ") is not in the records");
            }
        }
        return new RowFitting(sources, nested, target);
    }

    private static boolean fits(FieldKind from, FieldKind to, Type fromType, Type toType) {
        if (from == FieldKind.STRUCT || to == FieldKind.STRUCT) {
            return from == to && sameLayout(fromType.asStructType(), toType.asStructType());
        }
        if (from == FieldKind.LIST || from == FieldKind.MAP) {
            return from == to && sameType(fromType, toType);
        }
        if (from == FieldKind.DECIMAL_LONG || from == FieldKind.DECIMAL) {
            return fromType.equals(toType) || SchemaEvolution.widens(fromType, toType);
        }
        return from == to
                || (from == FieldKind.INT && to == FieldKind.LONG)
                || (from == FieldKind.FLOAT && to == FieldKind.DOUBLE);
    }

    /** Whether two structs have the same fields, in order, by name and type, whatever their ids. */
    static boolean sameLayout(Types.StructType a, Types.StructType b) {
        List<Types.NestedField> left = a.fields();
        List<Types.NestedField> right = b.fields();
        if (left.size() != right.size()) {
            return false;
        }
        for (int i = 0; i < left.size(); i++) {
            if (!left.get(i).name().equals(right.get(i).name())
                    || !sameType(left.get(i).type(), right.get(i).type())) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameType(Type a, Type b) {
        if (a.isPrimitiveType() || b.isPrimitiveType()) {
            return a.equals(b);
        }
        if (a.typeId() != b.typeId()) {
            return false;
        }
        switch (a.typeId()) {
            case STRUCT:
                return sameLayout(a.asStructType(), b.asStructType());
            case LIST:
                return a.asListType().isElementOptional() == b.asListType().isElementOptional()
                        && sameType(a.asListType().elementType(), b.asListType().elementType());
            case MAP:
                return a.asMapType().isValueOptional() == b.asMapType().isValueOptional()
                        && sameType(a.asMapType().keyType(), b.asMapType().keyType())
                        && sameType(a.asMapType().valueType(), b.asMapType().valueType());
            default:
                return false;
        }
    }

    /** {@code row} as a row of the table; the same output row each call. */
    Row apply(Row row) {
        output.copyOrigin(row);
        for (int i = 0; i < sources.length; i++) {
            int source = sources[i];
            if (source < 0 || row.isNull(source)) {
                output.setNull(i);
                continue;
            }
            FieldKind from = row.type().kind(source);
            FieldKind to = target.kind(i);
            if (from == FieldKind.FLOAT && to == FieldKind.DOUBLE) {
                output.setDouble(i, row.getFloat(source));
            } else if (from == FieldKind.DECIMAL_LONG && to == FieldKind.DECIMAL) {
                // a decimal widened past 18 digits: the same unscaled value, at the same scale
                int scale = ((Types.DecimalType) target.field(i).type()).scale();
                output.setReference(i, BigDecimal.valueOf(row.getLong(source), scale));
            } else if (nested[i] != null) {
                output.setReference(i, nested[i].apply((Row) row.getReference(source)));
            } else if (to.isPrimitive()) {
                output.setLong(i, row.getLong(source));
            } else {
                output.setReference(i, row.getReference(source));
            }
        }
        return output;
    }
}
