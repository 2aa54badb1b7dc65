package dev.floe.engine.format;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The Iceberg type of an Avro writer schema: what a table created from it looks like.
 *
 * <p>Logical types map to their Iceberg counterparts: {@code timestamp-millis/micros} to {@code
 * timestamptz} (Avro's timestamps are instants), {@code local-timestamp-*} to {@code timestamp},
 * {@code date}, {@code time-*}, {@code decimal}, {@code uuid}. Enums become strings. A union of
 * {@code null} and one type is an optional field. Field ids are assigned depth-first from 1; a
 * catalog assigns its own when a table is created.
 */
public final class AvroToIceberg {
    private int nextId;
    private final Set<String> visiting = new HashSet<>();

    private AvroToIceberg() {}

    /**
     * Converts a record schema.
     *
     * @throws IllegalArgumentException naming the field when the schema has no Iceberg equivalent
     *     (a union of several non-null types, a recursive record, a top-level non-record)
     */
    public static org.apache.iceberg.Schema convert(Schema record) {
        if (record.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(
                    "Cannot map Avro schema to a table: the top level is " + record.getType() + ", not a record");
        }
        AvroToIceberg converter = new AvroToIceberg();
        converter.nextId = 1;
        return new org.apache.iceberg.Schema(converter.struct(record, "").fields());
    }

    private Types.StructType struct(Schema record, String path) {
        if (!visiting.add(record.getFullName())) {
            throw new IllegalArgumentException("Cannot map Avro record " + record.getFullName() + " at '" + path
                    + "' to a table: it is recursive, and tables cannot nest without end");
        }
        List<Schema.Field> avroFields = record.getFields();
        // ids of a struct's own fields come first, then those nested in them, as Iceberg assigns them
        int firstId = nextId;
        nextId += avroFields.size();
        List<Types.NestedField> fields = new ArrayList<>(avroFields.size());
        for (int i = 0; i < avroFields.size(); i++) {
            Schema.Field field = avroFields.get(i);
            String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
            Schema value = nonNull(field.schema(), fieldPath);
            Type type = type(value, fieldPath);
            boolean optional = isNullable(field.schema());
            fields.add(
                    optional
                            ? Types.NestedField.optional(firstId + i, field.name(), type, field.doc())
                            : Types.NestedField.required(firstId + i, field.name(), type, field.doc()));
        }
        visiting.remove(record.getFullName());
        return Types.StructType.of(fields);
    }

    private Type type(Schema schema, String path) {
        LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case RECORD:
                return struct(schema, path);
            case ARRAY: {
                int elementId = nextId++;
                Schema element = nonNull(schema.getElementType(), path + "[]");
                Type elementType = type(element, path + "[]");
                return isNullable(schema.getElementType())
                        ? Types.ListType.ofOptional(elementId, elementType)
                        : Types.ListType.ofRequired(elementId, elementType);
            }
            case MAP: {
                int keyId = nextId++;
                int valueId = nextId++;
                Schema value = nonNull(schema.getValueType(), path + "{}");
                Type valueType = type(value, path + "{}");
                return isNullable(schema.getValueType())
                        ? Types.MapType.ofOptional(keyId, valueId, Types.StringType.get(), valueType)
                        : Types.MapType.ofRequired(keyId, valueId, Types.StringType.get(), valueType);
            }
            case ENUM:
                return Types.StringType.get();
            case FIXED:
                if (logical instanceof LogicalTypes.Decimal) {
                    LogicalTypes.Decimal decimal = (LogicalTypes.Decimal) logical;
                    return Types.DecimalType.of(decimal.getPrecision(), decimal.getScale());
                }
                if (logical != null && logical.getName().equals("uuid") && schema.getFixedSize() == 16) {
                    return Types.UUIDType.get();
                }
                return Types.FixedType.ofLength(schema.getFixedSize());
            case BYTES:
                if (logical instanceof LogicalTypes.Decimal) {
                    LogicalTypes.Decimal decimal = (LogicalTypes.Decimal) logical;
                    return Types.DecimalType.of(decimal.getPrecision(), decimal.getScale());
                }
                return Types.BinaryType.get();
            case STRING:
                if (logical != null && logical.getName().equals("uuid")) {
                    return Types.UUIDType.get();
                }
                return Types.StringType.get();
            case INT:
                if (logical instanceof LogicalTypes.Date) {
                    return Types.DateType.get();
                }
                if (logical instanceof LogicalTypes.TimeMillis) {
                    return Types.TimeType.get();
                }
                return Types.IntegerType.get();
            case LONG:
                return longType(logical);
            case FLOAT:
                return Types.FloatType.get();
            case DOUBLE:
                return Types.DoubleType.get();
            case BOOLEAN:
                return Types.BooleanType.get();
            case NULL:
                throw new IllegalArgumentException(
                        "Cannot map field '" + path + "' to a column: its only type is null");
            default:
                throw new IllegalArgumentException(
                        "Cannot map field '" + path + "' of Avro type " + schema.getType() + " to a column");
        }
    }

    private static Type longType(LogicalType logical) {
        if (logical == null) {
            return Types.LongType.get();
        }
        switch (logical.getName()) {
            case "time-micros":
                return Types.TimeType.get();
            case "timestamp-millis":
            case "timestamp-micros":
                return Types.TimestampType.withZone();
            case "timestamp-nanos":
                return Types.TimestampNanoType.withZone();
            case "local-timestamp-millis":
            case "local-timestamp-micros":
                return Types.TimestampType.withoutZone();
            case "local-timestamp-nanos":
                return Types.TimestampNanoType.withoutZone();
            default:
                return Types.LongType.get();
        }
    }

    /** Whether a field of this schema may be null: a union with a null branch, or null itself. */
    static boolean isNullable(Schema schema) {
        if (schema.getType() == Schema.Type.NULL) {
            return true;
        }
        if (schema.getType() != Schema.Type.UNION) {
            return false;
        }
        for (Schema branch : schema.getTypes()) {
            if (branch.getType() == Schema.Type.NULL) {
                return true;
            }
        }
        return false;
    }

    /** The one non-null type of {@code schema}: itself, or the non-null branch of a nullable union. */
    static Schema nonNull(Schema schema, String path) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        Schema found = null;
        for (Schema branch : schema.getTypes()) {
            if (branch.getType() == Schema.Type.NULL) {
                continue;
            }
            if (found != null) {
                throw new IllegalArgumentException("Cannot map field '" + path + "' to a column: it is a union of "
                        + schema.getTypes().size() + " types " + schema
                        + ", and Iceberg has no union type (only a union of null and one type)");
            }
            found = branch;
        }
        if (found == null) {
            throw new IllegalArgumentException("Cannot map field '" + path + "' to a column: its only type is null");
        }
        return found;
    }
}
