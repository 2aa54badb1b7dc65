package dev.floe.engine.format;

import org.apache.avro.Schema;

/** Skips a writer value the table has no column for. */
final class AvroSkipper {
    private AvroSkipper() {}

    static void skip(AvroInput in, Schema schema) {
        switch (schema.getType()) {
            case NULL:
                return;
            case BOOLEAN:
                in.readBoolean();
                return;
            case INT:
            case LONG:
            case ENUM:
                in.readLong();
                return;
            case FLOAT:
                in.readFixed(4);
                return;
            case DOUBLE:
                in.readFixed(8);
                return;
            case STRING:
            case BYTES:
                in.readLengthPrefixed();
                return;
            case FIXED:
                in.readFixed(schema.getFixedSize());
                return;
            case RECORD:
                for (Schema.Field field : schema.getFields()) {
                    skip(in, field.schema());
                }
                return;
            case ARRAY:
                for (long count = in.readBlockCount(); count != 0; count = in.readBlockCount()) {
                    for (long i = 0; i < count; i++) {
                        skip(in, schema.getElementType());
                    }
                }
                return;
            case MAP:
                for (long count = in.readBlockCount(); count != 0; count = in.readBlockCount()) {
                    for (long i = 0; i < count; i++) {
                        in.readLengthPrefixed();
                        skip(in, schema.getValueType());
                    }
                }
                return;
            case UNION: {
                int index = in.readInt();
                if (index < 0 || index >= schema.getTypes().size()) {
                    throw new AvroDecodeException("union branch " + index + " out of range of "
                            + schema.getTypes().size() + " branches");
                }
                skip(in, schema.getTypes().get(index));
                return;
            }
            default:
                throw new AvroDecodeException("cannot skip Avro type " + schema.getType());
        }
    }
}
