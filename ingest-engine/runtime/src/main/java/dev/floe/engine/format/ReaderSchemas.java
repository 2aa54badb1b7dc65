package dev.floe.engine.format;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The Avro reader schema that stands for a table's row type when resolving a writer schema
 * against it, so that Avro's own resolution rules (field matching, defaults, promotion, enums,
 * unions) decide what a record means for the table.
 *
 * <p>Fields are in the table's order, so a reader field's position is the row position. Where a
 * writer value can become the column's type, the reader takes the writer's own type (or the Avro
 * type it promotes to), keeping names of records, enums and fixed types so that Avro matches them;
 * where it cannot, the reader takes the column's natural Avro type and resolution reports the
 * mismatch.
 */
final class ReaderSchemas {
    private ReaderSchemas() {}

    static Schema readerSchema(Types.StructType table, Schema writerRecord) {
        return record(table, writerRecord, writerRecord.getName(), writerRecord.getNamespace());
    }

    private static Schema record(Types.StructType struct, Schema writer, String name, String namespace) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Types.NestedField column : struct.fields()) {
            Schema.Field writerField = writer == null ? null : writer.getField(column.name());
            Schema writerValue = writerField == null ? null : nonNullOrNull(writerField.schema());
            Schema value = reader(column.type(), writerValue, column.fieldId());
            if (column.isOptional()) {
                fields.add(new Schema.Field(
                        column.name(),
                        Schema.createUnion(Schema.create(Schema.Type.NULL), value),
                        null,
                        JsonProperties.NULL_VALUE));
            } else {
                fields.add(new Schema.Field(column.name(), value, null, (Object) null));
            }
        }
        return Schema.createRecord(name, null, namespace, false, fields);
    }

    private static Schema reader(Type type, Schema writer, int fieldId) {
        switch (type.typeId()) {
            case STRUCT:
                if (writer != null && writer.getType() == Schema.Type.RECORD) {
                    return record(type.asStructType(), writer, writer.getName(), writer.getNamespace());
                }
                return record(type.asStructType(), null, "r" + fieldId, null);
            case LIST: {
                Types.ListType list = type.asListType();
                Schema writerElement = writer != null && writer.getType() == Schema.Type.ARRAY
                        ? nonNullOrNull(writer.getElementType())
                        : null;
                Schema element = reader(list.elementType(), writerElement, list.elementId());
                return Schema.createArray(list.isElementOptional() ? nullable(element) : element);
            }
            case MAP: {
                Types.MapType map = type.asMapType();
                Schema writerValue = writer != null && writer.getType() == Schema.Type.MAP
                        ? nonNullOrNull(writer.getValueType())
                        : null;
                Schema value = reader(map.valueType(), writerValue, map.valueId());
                return Schema.createMap(map.isValueOptional() ? nullable(value) : value);
            }
            default:
                return primitive(type, writer, fieldId);
        }
    }

    private static Schema primitive(Type type, Schema writer, int fieldId) {
        if (writer != null) {
            Schema adapted = adapt(type, writer);
            if (adapted != null) {
                return adapted;
            }
        }
        return natural(type, fieldId);
    }

    /**
     * The reader type that lets {@code writer} become a value of {@code type}: the writer's own
     * schema when no promotion is needed, the promoted Avro type otherwise, or null when Avro's
     * rules offer no way.
     */
    private static Schema adapt(Type type, Schema writer) {
        Schema.Type avro = writer.getType();
        String logical =
                writer.getLogicalType() == null ? null : writer.getLogicalType().getName();
        switch (type.typeId()) {
            case BOOLEAN:
                return avro == Schema.Type.BOOLEAN ? writer : null;
            case INTEGER:
                return avro == Schema.Type.INT && logical == null ? writer : null;
            case LONG:
                if (logical != null) {
                    return null;
                }
                return avro == Schema.Type.LONG
                        ? writer
                        : avro == Schema.Type.INT ? Schema.create(Schema.Type.LONG) : null;
            case FLOAT:
                return isNumber(avro, logical) && avro != Schema.Type.DOUBLE
                        ? (avro == Schema.Type.FLOAT ? writer : Schema.create(Schema.Type.FLOAT))
                        : null;
            case DOUBLE:
                return isNumber(avro, logical)
                        ? (avro == Schema.Type.DOUBLE ? writer : Schema.create(Schema.Type.DOUBLE))
                        : null;
            case DATE:
                return avro == Schema.Type.INT && "date".equals(logical) ? writer : null;
            case TIME:
                return ("time-millis".equals(logical) && avro == Schema.Type.INT)
                                || ("time-micros".equals(logical) && avro == Schema.Type.LONG)
                        ? writer
                        : null;
            case TIMESTAMP:
            case TIMESTAMP_NANO:
                return avro == Schema.Type.LONG && logical != null && logical.contains("timestamp-") ? writer : null;
            case STRING:
                if (avro == Schema.Type.STRING || avro == Schema.Type.ENUM) {
                    return writer;
                }
                return avro == Schema.Type.BYTES && logical == null ? Schema.create(Schema.Type.STRING) : null;
            case UUID:
                return (avro == Schema.Type.STRING) || (avro == Schema.Type.FIXED && writer.getFixedSize() == 16)
                        ? writer
                        : null;
            case BINARY:
                if (avro == Schema.Type.BYTES && logical == null) {
                    return writer;
                }
                return avro == Schema.Type.STRING && logical == null ? Schema.create(Schema.Type.BYTES) : null;
            case FIXED:
                return avro == Schema.Type.FIXED
                                && logical == null
                                && writer.getFixedSize() == ((Types.FixedType) type).length()
                        ? writer
                        : null;
            case DECIMAL: {
                if (!(writer.getLogicalType() instanceof LogicalTypes.Decimal)) {
                    return null;
                }
                LogicalTypes.Decimal decimal = (LogicalTypes.Decimal) writer.getLogicalType();
                Types.DecimalType target = (Types.DecimalType) type;
                // a decimal widens in precision only; its scale is part of its meaning
                return decimal.getScale() == target.scale() && decimal.getPrecision() <= target.precision()
                        ? writer
                        : null;
            }
            default:
                return null;
        }
    }

    private static boolean isNumber(Schema.Type avro, String logical) {
        return logical == null
                && (avro == Schema.Type.INT
                        || avro == Schema.Type.LONG
                        || avro == Schema.Type.FLOAT
                        || avro == Schema.Type.DOUBLE);
    }

    /** How the column's type is written in Avro when no writer value maps to it. */
    private static Schema natural(Type type, int fieldId) {
        switch (type.typeId()) {
            case BOOLEAN:
                return Schema.create(Schema.Type.BOOLEAN);
            case INTEGER:
                return Schema.create(Schema.Type.INT);
            case LONG:
                return Schema.create(Schema.Type.LONG);
            case FLOAT:
                return Schema.create(Schema.Type.FLOAT);
            case DOUBLE:
                return Schema.create(Schema.Type.DOUBLE);
            case DATE:
                return logical(LogicalTypes.date(), Schema.Type.INT);
            case TIME:
                return logical(LogicalTypes.timeMicros(), Schema.Type.LONG);
            case TIMESTAMP:
                return logical(
                        ((Types.TimestampType) type).shouldAdjustToUTC()
                                ? LogicalTypes.timestampMicros()
                                : LogicalTypes.localTimestampMicros(),
                        Schema.Type.LONG);
            case TIMESTAMP_NANO:
                return logical(LogicalTypes.timestampNanos(), Schema.Type.LONG);
            case STRING:
                return Schema.create(Schema.Type.STRING);
            case UUID:
                return logical(LogicalTypes.uuid(), Schema.Type.STRING);
            case BINARY:
                return Schema.create(Schema.Type.BYTES);
            case FIXED:
                return Schema.createFixed("fixed_" + fieldId, null, null, ((Types.FixedType) type).length());
            case DECIMAL: {
                Types.DecimalType decimal = (Types.DecimalType) type;
                return logical(LogicalTypes.decimal(decimal.precision(), decimal.scale()), Schema.Type.BYTES);
            }
            default:
                throw new IllegalArgumentException("Cannot read Avro into a column of type " + type);
        }
    }

    private static Schema logical(LogicalType logicalType, Schema.Type avro) {
        return logicalType.addToSchema(Schema.create(avro));
    }

    private static Schema nullable(Schema schema) {
        return Schema.createUnion(Schema.create(Schema.Type.NULL), schema);
    }

    /** The non-null branch of a nullable union, the schema itself otherwise, or null for other unions. */
    private static Schema nonNullOrNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        Schema found = null;
        for (Schema branch : schema.getTypes()) {
            if (branch.getType() != Schema.Type.NULL) {
                if (found != null) {
                    return null;
                }
                found = branch;
            }
        }
        return found;
    }
}
