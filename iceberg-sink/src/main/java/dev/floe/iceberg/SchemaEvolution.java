package dev.floe.iceberg;

import dev.floe.engine.spi.error.BadRecordException;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * What a table's schema must become so that records of a newer writer schema fit it, and the
 * changes that are refused.
 *
 * <p>Evolves: a field the table lacks becomes an optional column (nested in structs, list elements
 * and map values too); int widens to long, float to double, a decimal's precision grows at the
 * same scale; a required column becomes optional when the records may lack its value. Records of
 * an older, narrower schema fit as they are (their values are promoted when read). Anything else
 * (another type, a narrower decimal scale, a required column the records do not have) is refused
 * with the column, both types and the table: records of that schema are bad records, which the
 * pipeline's {@code onError} dead-letters or stops on.
 *
 * <p>Columns are matched by name, as Avro resolution matches fields.
 */
final class SchemaEvolution {
    private final List<Change> changes;

    private SchemaEvolution(List<Change> changes) {
        this.changes = List.copyOf(changes);
    }

    /**
     * The changes that let records of {@code produced} into a table of schema {@code table}.
     *
     * @throws BadRecordException when the records cannot fit the table however it evolves
     */
    static SchemaEvolution plan(Schema table, Schema produced, String tableName) {
        List<Change> changes = new ArrayList<>();
        compareStructs(table.asStruct(), produced.asStruct(), "", changes, tableName);
        return new SchemaEvolution(changes);
    }

    boolean isEmpty() {
        return changes.isEmpty();
    }

    List<Change> changes() {
        return changes;
    }

    /** Applies the changes to {@code update}, which the caller commits. */
    void applyTo(UpdateSchema update) {
        for (Change change : changes) {
            switch (change.kind()) {
                case ADD_COLUMN:
                    if (change.parent().isEmpty()) {
                        update.addColumn(change.name(), change.type());
                    } else {
                        update.addColumn(change.parent(), change.name(), change.type());
                    }
                    break;
                case WIDEN:
                    update.updateColumn(change.path(), change.type().asPrimitiveType());
                    break;
                case MAKE_OPTIONAL:
                    update.makeColumnOptional(change.path());
                    break;
                default:
                    throw new IllegalStateException("Unknown schema change " + change.kind());
            }
        }
    }

    @Override
    public String toString() {
        return changes.toString();
    }

    private static void compareStructs(
            Types.StructType table, Types.StructType produced, String parent, List<Change> changes, String tableName) {
        for (Types.NestedField field : produced.fields()) {
            Types.NestedField column = table.field(field.name());
            if (column == null) {
                changes.add(new Change(ChangeKind.ADD_COLUMN, parent, field.name(), field.type()));
                continue;
            }
            if (field.isOptional() && column.isRequired()) {
                changes.add(new Change(ChangeKind.MAKE_OPTIONAL, parent, field.name(), null));
            }
            compareTypes(column.type(), field.type(), parent, field.name(), changes, tableName);
        }
        for (Types.NestedField column : table.fields()) {
            if (column.isRequired() && produced.field(column.name()) == null) {
                String path = parent.isEmpty() ? column.name() : parent + "." + column.name();
                throw new BadRecordException(
                        IcebergErrorCode.SCHEMA_INCOMPATIBLE,
                        "Cannot evolve table " + tableName + " for the records: its required column '" + path + "' ("
                                + column.type() + ") is not in the records' schema");
            }
        }
    }

    private static void compareTypes(
            Type column, Type field, String parent, String name, List<Change> changes, String tableName) {
        String path = parent.isEmpty() ? name : parent + "." + name;
        if (column.isPrimitiveType() && field.isPrimitiveType()) {
            if (column.equals(field) || widens(field, column)) {
                // the same, or narrower records whose values are promoted when read
                return;
            }
            if (widens(column, field)) {
                changes.add(new Change(ChangeKind.WIDEN, parent, name, field));
                return;
            }
            throw refused(tableName, path, column, field);
        }
        if (column.typeId() != field.typeId()) {
            throw refused(tableName, path, column, field);
        }
        switch (column.typeId()) {
            case STRUCT:
                compareStructs(column.asStructType(), field.asStructType(), path, changes, tableName);
                return;
            case LIST: {
                Types.ListType tableList = column.asListType();
                Types.ListType fieldList = field.asListType();
                if (fieldList.isElementOptional() && tableList.isElementRequired()) {
                    changes.add(new Change(ChangeKind.MAKE_OPTIONAL, path, "element", null));
                }
                compareTypes(tableList.elementType(), fieldList.elementType(), path, "element", changes, tableName);
                return;
            }
            case MAP: {
                Types.MapType tableMap = column.asMapType();
                Types.MapType fieldMap = field.asMapType();
                if (!tableMap.keyType().equals(fieldMap.keyType())) {
                    throw refused(tableName, path + ".key", tableMap.keyType(), fieldMap.keyType());
                }
                if (fieldMap.isValueOptional() && tableMap.isValueRequired()) {
                    changes.add(new Change(ChangeKind.MAKE_OPTIONAL, path, "value", null));
                }
                compareTypes(tableMap.valueType(), fieldMap.valueType(), path, "value", changes, tableName);
                return;
            }
            default:
                throw refused(tableName, path, column, field);
        }
    }

    /** Whether a column of type {@code from} may become {@code to}: the promotions Iceberg allows. */
    static boolean widens(Type from, Type to) {
        if (from.typeId() == Type.TypeID.INTEGER) {
            return to.typeId() == Type.TypeID.LONG;
        }
        if (from.typeId() == Type.TypeID.FLOAT) {
            return to.typeId() == Type.TypeID.DOUBLE;
        }
        if (from.typeId() == Type.TypeID.DECIMAL && to.typeId() == Type.TypeID.DECIMAL) {
            Types.DecimalType narrow = (Types.DecimalType) from;
            Types.DecimalType wide = (Types.DecimalType) to;
            return narrow.scale() == wide.scale() && narrow.precision() < wide.precision();
        }
        return false;
    }

    private static BadRecordException refused(String tableName, String path, Type column, Type field) {
        return new BadRecordException(
                IcebergErrorCode.SCHEMA_INCOMPATIBLE,
                "Cannot evolve table " + tableName + " for the records: column '" + path + "' is " + column
                        + " in the table and " + field + " in the records' schema (a column only widens int to long,"
                        + " float to double, a decimal's precision at the same scale, or becomes optional)");
    }

    enum ChangeKind {
        ADD_COLUMN,
        WIDEN,
        MAKE_OPTIONAL
    }

    /**
     * One change of the table's schema.
     *
     * @param kind what changes
     * @param parent the dotted path of the struct, list or map holding the column; empty at the top
     * @param name the column's name within its parent ({@code element} and {@code value} for a list's
     *     elements and a map's values)
     * @param type the new column's type, or the widened type; null to make a column optional
     */
    record Change(ChangeKind kind, String parent, String name, Type type) {
        String path() {
            return parent.isEmpty() ? name : parent + "." + name;
        }

        @Override
        public String toString() {
            switch (kind) {
                case ADD_COLUMN:
                    return "add " + path() + " " + type;
                case WIDEN:
                    return "widen " + path() + " to " + type;
                default:
                    return "make " + path() + " optional";
            }
        }
    }
}
