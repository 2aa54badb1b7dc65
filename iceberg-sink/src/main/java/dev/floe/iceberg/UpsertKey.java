package dev.floe.iceberg;

import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.row.FieldKind;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * An upsert table's key over the rows of one table schema: the identifier fields' positions, the
 * schema of the key (what equality delete files hold) and the delete marker.
 */
final class UpsertKey {
    private static final Pattern DELETE_WHEN = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*?)\\s*");

    private final RowType keyType;
    private final int[] positions;
    private final List<Integer> fieldIds;
    private final int deletePosition;
    private final String deleteValue;

    private UpsertKey(RowType keyType, int[] positions, List<Integer> fieldIds, int deletePosition, String value) {
        this.keyType = keyType;
        this.positions = positions;
        this.fieldIds = List.copyOf(fieldIds);
        this.deletePosition = deletePosition;
        this.deleteValue = value;
    }

    /** Why {@code condition} is not {@code column = value}; null when it is. */
    static String checkDeleteWhen(String condition) {
        Matcher matcher = DELETE_WHEN.matcher(condition);
        if (!matcher.matches() || matcher.group(2).isEmpty()) {
            return "'" + condition + "' is not 'column = value' (op = D, say)";
        }
        return null;
    }

    /**
     * The identifier fields a table gets when Floe creates it for upsert, checked against the
     * records' schema.
     *
     * @throws FatalException when a field is missing, nullable or nested, or a partition column is
     *     not one of them
     */
    static Set<Integer> forNewTable(Schema produced, TableConfig config, String table) {
        if (config.identifierFields().isEmpty()) {
            throw new FatalException(
                    IcebergErrorCode.UPSERT_KEY_INVALID,
                    "Cannot create table " + table + " for upsert: sink.identifierFields names no key columns");
        }
        Set<Integer> ids = new TreeSet<>();
        for (String name : config.identifierFields()) {
            ids.add(check(produced, name, table, "sink.identifierFields").fieldId());
        }
        return ids;
    }

    /**
     * The key of an upsert table for rows of {@code schema}: the configured identifier fields, or
     * the table's own.
     *
     * @throws FatalException when there are none, or one is missing, nullable or nested, or a
     *     partition column is not one of them
     */
    static UpsertKey of(Schema schema, PartitionSpec spec, TableConfig config, String table) {
        List<String> names = config.identifierFields();
        String source = "sink.identifierFields";
        if (names.isEmpty()) {
            names = new ArrayList<>(schema.identifierFieldNames());
            source = "the identifier fields of table " + table;
            if (names.isEmpty()) {
                throw new FatalException(
                        IcebergErrorCode.UPSERT_KEY_INVALID,
                        "Cannot upsert into table " + table + ": it has no identifier fields and"
                                + " sink.identifierFields names none");
            }
        }
        List<Types.NestedField> columns = schema.columns();
        List<Integer> ids = new ArrayList<>();
        for (String name : names) {
            ids.add(check(schema, name, table, source).fieldId());
        }
        for (PartitionField partition : spec.fields()) {
            if (!ids.contains(partition.sourceId())) {
                throw new FatalException(
                        IcebergErrorCode.UPSERT_KEY_INVALID,
                        "Cannot upsert into table " + table + ": it is partitioned by column '"
                                + schema.findColumnName(partition.sourceId()) + "', which is not one of the"
                                + " identifier fields " + names + " (" + source + "); a key's rows must stay in"
                                + " one partition for its deletes to reach them");
            }
        }
        Schema keySchema = schema.select(names);
        int[] positions = new int[keySchema.columns().size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] =
                    columns.indexOf(schema.findField(keySchema.columns().get(i).fieldId()));
        }
        int deletePosition = -1;
        String deleteValue = null;
        if (config.deleteWhen() != null) {
            Matcher matcher = DELETE_WHEN.matcher(config.deleteWhen());
            if (!matcher.matches()) {
                throw new IllegalArgumentException(checkDeleteWhen(config.deleteWhen()));
            }
            Types.NestedField column = schema.caseInsensitiveFindField(matcher.group(1));
            deletePosition = column == null ? -1 : columns.indexOf(column);
            if (deletePosition < 0) {
                throw new FatalException(
                        IcebergErrorCode.UPSERT_KEY_INVALID,
                        "Cannot upsert into table " + table + ": sink.deleteWhen names column '" + matcher.group(1)
                                + "', which is not a top-level column of the table");
            }
            deleteValue = unquote(matcher.group(2));
        }
        List<Integer> keyIds = new ArrayList<>();
        keySchema.columns().forEach(column -> keyIds.add(column.fieldId()));
        return new UpsertKey(RowType.of(keySchema), positions, keyIds, deletePosition, deleteValue);
    }

    private static String unquote(String value) {
        if (value.length() >= 2
                && (value.startsWith("'") && value.endsWith("'") || value.startsWith("\"") && value.endsWith("\""))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static Types.NestedField check(Schema schema, String name, String table, String source) {
        Types.NestedField field = schema.findField(name);
        if (field == null || !schema.columns().contains(field)) {
            throw new FatalException(
                    IcebergErrorCode.UPSERT_KEY_INVALID,
                    "Cannot upsert into table " + table + ": identifier field '" + name + "' (" + source + ") is"
                            + (field == null ? " not a column" : " not a top-level column") + " of "
                            + schema.asStruct());
        }
        if (field.isOptional()) {
            throw new FatalException(
                    IcebergErrorCode.UPSERT_KEY_INVALID,
                    "Cannot upsert into table " + table + ": identifier field '" + name + "' (" + source
                            + ") is nullable; a key column must be required (an Avro field without null)");
        }
        if (!field.type().isPrimitiveType()) {
            throw new FatalException(
                    IcebergErrorCode.UPSERT_KEY_INVALID,
                    "Cannot upsert into table " + table + ": identifier field '" + name + "' (" + source + ") is "
                            + field.type() + "; a key column must be of a primitive type");
        }
        return field;
    }

    /** The schema of keys, with the table's field ids: what equality delete files hold. */
    Schema keySchema() {
        return keyType.schema();
    }

    /** The field ids of the key, for equality deletes. */
    List<Integer> fieldIds() {
        return fieldIds;
    }

    /** The key of a table row, owning its values. */
    Row key(Row row) {
        Row key = new Row(keyType);
        for (int i = 0; i < positions.length; i++) {
            key.set(i, row.get(positions[i], Object.class));
        }
        return key.detach();
    }

    /**
     * Where each key column is in rows of {@code type}, found by name: a delete's row may be of any
     * type holding the key columns (a change event's row, a tombstone's key record).
     *
     * @throws BadRecordException when a key column is missing, or of another type than the table's
     *     (an int where the table has long is taken)
     */
    int[] positionsIn(RowType type, String table) {
        List<Types.NestedField> fields = type.struct().fields();
        List<Types.NestedField> keyColumns = keyType.struct().fields();
        int[] found = new int[keyColumns.size()];
        for (int i = 0; i < found.length; i++) {
            String name = keyColumns.get(i).name();
            found[i] = -1;
            for (int j = 0; j < fields.size() && found[i] < 0; j++) {
                if (fields.get(j).name().equals(name)) {
                    found[i] = j;
                }
            }
            for (int j = 0; j < fields.size() && found[i] < 0; j++) {
                if (fields.get(j).name().equalsIgnoreCase(name)) {
                    found[i] = j;
                }
            }
            if (found[i] < 0) {
                throw new BadRecordException(
                        IcebergErrorCode.DELETE_KEY_INVALID,
                        "Cannot delete from table " + table + " by a record of " + type.struct() + ": it has no field '"
                                + name + "', an identifier field of the table");
            }
            FieldKind from = type.kind(found[i]);
            FieldKind to = keyType.kind(i);
            if (from != to && !(from == FieldKind.INT && to == FieldKind.LONG)) {
                throw new BadRecordException(
                        IcebergErrorCode.DELETE_KEY_INVALID,
                        "Cannot delete from table " + table + " by a record of " + type.struct() + ": its field '"
                                + name + "' is " + type.field(found[i]).type() + ", the table's key column "
                                + keyType.field(i).type());
            }
        }
        return found;
    }

    /**
     * The key a delete's row names, owning its values, its columns at {@code positions} (see
     * {@link #positionsIn}).
     *
     * @throws BadRecordException when a key column is null
     */
    Row key(Row row, int[] positions, String table) {
        Row key = new Row(keyType);
        for (int i = 0; i < positions.length; i++) {
            String name = keyType.field(i).name();
            if (row.isNull(positions[i])) {
                throw new BadRecordException(
                        IcebergErrorCode.DELETE_KEY_INVALID,
                        "Cannot delete the record at " + row.originTopic() + "-" + row.originPartition() + "@"
                                + row.originOffset() + " from table " + table + ": its key column '" + name
                                + "' is null");
            }
            key.set(i, row.get(positions[i], Object.class));
        }
        return key.detach();
    }

    /** Whether the row deletes its key. */
    boolean deletes(Row row) {
        if (deletePosition < 0 || row.isNull(deletePosition)) {
            return false;
        }
        return deleteValue.equals(String.valueOf(row.get(deletePosition, Object.class)));
    }
}
