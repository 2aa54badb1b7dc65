package dev.floe.engine.format;

import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.row.Utf8Slice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Resolver;
import org.apache.avro.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Compiles Avro's resolution of a writer schema against a table's reader schema into a tree of
 * {@link FieldDecoder}s that fill {@link Row}s directly from the bytes.
 *
 * <p>Resolution follows the Avro specification (via {@link Resolver}); this class only turns its
 * actions into code. Mismatches that affect only some records (a union branch the table cannot
 * hold) compile into decoders that reject just those records.
 */
final class DecoderCompiler {
    private DecoderCompiler() {}

    /** Compiles a decoder from the resolution of {@code writer} against {@code table}'s reader schema. */
    static RowDecoder compile(Resolver.Action resolution, RowType table) {
        if (resolution instanceof Resolver.ErrorAction) {
            return RowDecoder.incompatible(table, describe((Resolver.ErrorAction) resolution, ""));
        }
        return RowDecoder.of(table, record((Resolver.RecordAdjust) resolution, table, ""));
    }

    private static RecordDecoder record(Resolver.RecordAdjust adjust, RowType type, String path) {
        List<Schema.Field> writerFields = adjust.writer.getFields();
        FieldDecoder[] decoders = new FieldDecoder[writerFields.size()];
        Schema[] skipped = new Schema[writerFields.size()];
        int[] positions = new int[writerFields.size()];
        for (int i = 0; i < writerFields.size(); i++) {
            Schema.Field writerField = writerFields.get(i);
            Resolver.Action action = adjust.fieldActions[i];
            if (action.type == Resolver.Action.Type.SKIP) {
                positions[i] = -1;
                skipped[i] = writerField.schema();
                continue;
            }
            Schema.Field readerField = adjust.reader.getField(writerField.name());
            int position = readerField.pos();
            positions[i] = position;
            Types.NestedField column = type.field(position);
            decoders[i] =
                    value(action, column.type(), column.isRequired(), type.nested(position), join(path, column.name()));
        }
        // reader fields the writer lacks take their defaults; the reader schema only has null ones
        List<Integer> absent = new ArrayList<>();
        for (int i = adjust.firstDefault; i < adjust.readerOrder.length; i++) {
            absent.add(adjust.readerOrder[i].pos());
        }
        return new RecordDecoder(
                decoders,
                skipped,
                positions,
                absent.stream().mapToInt(Integer::intValue).toArray());
    }

    private static FieldDecoder value(
            Resolver.Action action, Type target, boolean required, RowType nested, String path) {
        switch (action.type) {
            case DO_NOTHING:
            case PROMOTE: {
                if (action.writer.getType() == Schema.Type.NULL) {
                    return required
                            ? new RejectingDecoder("field '" + path + "' is null, but its column is required")
                            : NullDecoder.INSTANCE;
                }
                FieldDecoder leaf = LeafDecoders.leaf(action.writer, target);
                if (leaf == null) {
                    return new RejectingDecoder("field '" + path + "' of Avro type " + describe(action.writer)
                            + " cannot become column type " + target);
                }
                return leaf;
            }
            case ENUM:
                return enumeration((Resolver.EnumAdjust) action, target, path);
            case CONTAINER:
                return container((Resolver.Container) action, target, path);
            case RECORD:
                if (!target.isStructType()) {
                    return new RejectingDecoder("field '" + path + "' is a record, but its column is " + target);
                }
                return new NestedRecordDecoder(record((Resolver.RecordAdjust) action, nested, path), nested);
            case WRITER_UNION: {
                Resolver.WriterUnion union = (Resolver.WriterUnion) action;
                FieldDecoder[] branches = new FieldDecoder[union.actions.length];
                for (int i = 0; i < branches.length; i++) {
                    branches[i] = value(union.actions[i], target, required, nested, path);
                }
                return new UnionDecoder(branches);
            }
            case READER_UNION:
                return value(((Resolver.ReaderUnion) action).actualAction, target, required, nested, path);
            case ERROR:
                if (action.writer.getType() == Schema.Type.NULL && required) {
                    return new RejectingDecoder("field '" + path + "' is null, but its column is required");
                }
                return new RejectingDecoder(describe((Resolver.ErrorAction) action, path));
            default:
                throw new IllegalStateException("Unexpected resolution action " + action.type + " at " + path);
        }
    }

    private static FieldDecoder enumeration(Resolver.EnumAdjust adjust, Type target, String path) {
        if (target.typeId() != Type.TypeID.STRING) {
            return new RejectingDecoder("enum field '" + path + "' cannot become column type " + target);
        }
        List<String> writerSymbols = adjust.writer.getEnumSymbols();
        List<String> readerSymbols = adjust.reader.getEnumSymbols();
        Utf8Slice[] symbols = new Utf8Slice[writerSymbols.size()];
        for (int i = 0; i < symbols.length; i++) {
            int readerIndex = adjust.adjustments[i];
            symbols[i] = readerIndex < 0 ? null : LeafDecoders.symbol(readerSymbols.get(readerIndex));
        }
        return new LeafDecoders.EnumDecoder(symbols, writerSymbols.toArray(new String[0]));
    }

    private static FieldDecoder container(Resolver.Container container, Type target, String path) {
        if (container.writer.getType() == Schema.Type.ARRAY) {
            if (!target.isListType()) {
                return new RejectingDecoder("array field '" + path + "' cannot become column type " + target);
            }
            Types.ListType list = target.asListType();
            RowType elementType = list.elementType().isStructType()
                    ? RowType.of(list.elementType().asStructType())
                    : null;
            return new ListDecoder(value(
                    container.elementAction, list.elementType(), list.isElementRequired(), elementType, path + "[]"));
        }
        if (!target.isMapType()) {
            return new RejectingDecoder("map field '" + path + "' cannot become column type " + target);
        }
        Types.MapType map = target.asMapType();
        if (map.keyType().typeId() != Type.TypeID.STRING) {
            return new RejectingDecoder(
                    "map field '" + path + "' has string keys, but its column's keys are " + map.keyType());
        }
        RowType valueType =
                map.valueType().isStructType() ? RowType.of(map.valueType().asStructType()) : null;
        return new MapDecoder(
                value(container.elementAction, map.valueType(), map.isValueRequired(), valueType, path + "{}"));
    }

    private static String describe(Resolver.ErrorAction error, String path) {
        String where = path.isEmpty() ? "the record" : "field '" + path + "'";
        switch (error.error) {
            case MISSING_REQUIRED_FIELD: {
                for (Schema.Field field : error.reader.getFields()) {
                    if (error.writer.getField(field.name()) == null && !field.hasDefaultValue()) {
                        return "the table's required column '" + join(path, field.name())
                                + "' has no field in the writer schema " + error.writer.getFullName();
                    }
                }
                return where + " lacks a required column";
            }
            case NO_MATCHING_BRANCH:
                return where + " of type " + describe(error.writer) + " matches no type of the column";
            default:
                return where + " of type " + describe(error.writer) + " cannot become column type "
                        + describe(error.reader);
        }
    }

    private static String describe(Schema schema) {
        return schema.getLogicalType() == null
                ? schema.getType().getName()
                : schema.getType().getName() + " (" + schema.getLogicalType().getName() + ")";
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** Reads a record's fields in writer order into row slots; skips what the table lacks. */
    static final class RecordDecoder {
        private final FieldDecoder[] decoders;
        private final Schema[] skipped;
        private final int[] positions;
        private final int[] absent;

        RecordDecoder(FieldDecoder[] decoders, Schema[] skipped, int[] positions, int[] absent) {
            this.decoders = decoders;
            this.skipped = skipped;
            this.positions = positions;
            this.absent = absent;
        }

        void decodeInto(AvroInput in, Row row) {
            for (int i = 0; i < decoders.length; i++) {
                int position = positions[i];
                if (position < 0) {
                    AvroSkipper.skip(in, skipped[i]);
                } else {
                    decoders[i].decode(in, row, position);
                }
            }
            for (int position : absent) {
                row.setNull(position);
            }
        }
    }

    private static final class NestedRecordDecoder extends FieldDecoder {
        private final RecordDecoder record;
        private final RowType type;

        NestedRecordDecoder(RecordDecoder record, RowType type) {
            this.record = record;
            this.type = type;
        }

        @Override
        void decode(AvroInput in, Row row, int position) {
            // the row's own nested row, refilled: every field of it is set below
            record.decodeInto(in, row.setRow(position, type));
        }

        @Override
        Object value(AvroInput in) {
            // an element of a list or a value of a map: those are new for every record, so is this
            Row nested = new Row(type);
            record.decodeInto(in, nested);
            return nested;
        }
    }

    private static final class NullDecoder extends FieldDecoder {
        static final NullDecoder INSTANCE = new NullDecoder();

        @Override
        void decode(AvroInput in, Row row, int position) {
            row.setNull(position);
        }

        @Override
        Object value(AvroInput in) {
            return null;
        }
    }

    private static final class UnionDecoder extends FieldDecoder {
        private final FieldDecoder[] branches;

        UnionDecoder(FieldDecoder[] branches) {
            this.branches = branches;
        }

        private FieldDecoder branch(AvroInput in) {
            int index = in.readInt();
            if (index < 0 || index >= branches.length) {
                throw new AvroDecodeException(
                        "union branch " + index + " out of range of " + branches.length + " branches");
            }
            return branches[index];
        }

        @Override
        void decode(AvroInput in, Row row, int position) {
            branch(in).decode(in, row, position);
        }

        @Override
        Object value(AvroInput in) {
            return branch(in).value(in);
        }
    }

    private static final class ListDecoder extends FieldDecoder {
        private final FieldDecoder element;

        ListDecoder(FieldDecoder element) {
            this.element = element;
        }

        @Override
        void decode(AvroInput in, Row row, int position) {
            row.setReference(position, value(in));
        }

        @Override
        Object value(AvroInput in) {
            List<Object> list = new ArrayList<>();
            for (long count = in.readBlockCount(); count != 0; count = in.readBlockCount()) {
                for (long i = 0; i < count; i++) {
                    list.add(element.value(in));
                }
            }
            return list;
        }
    }

    private static final class MapDecoder extends FieldDecoder {
        private final FieldDecoder value;

        MapDecoder(FieldDecoder value) {
            this.value = value;
        }

        @Override
        void decode(AvroInput in, Row row, int position) {
            row.setReference(position, value(in));
        }

        @Override
        Object value(AvroInput in) {
            Map<Object, Object> map = new LinkedHashMap<>();
            for (long count = in.readBlockCount(); count != 0; count = in.readBlockCount()) {
                for (long i = 0; i < count; i++) {
                    int start = in.readLengthPrefixed();
                    // keys are materialized: maps hash them, and a map may outlive the input
                    Utf8Slice key = Utf8Slice.wrap(in.array(), start, in.lengthFrom(start))
                            .copy();
                    map.put(key, value.value(in));
                }
            }
            return map;
        }
    }

    /** Stands where the writer's value cannot become the column's: rejects the record that has one. */
    private static final class RejectingDecoder extends FieldDecoder {
        private final String reason;

        RejectingDecoder(String reason) {
            this.reason = reason;
        }

        @Override
        void decode(AvroInput in, Row row, int position) {
            throw new IncompatibleRecordException(reason);
        }

        @Override
        Object value(AvroInput in) {
            throw new IncompatibleRecordException(reason);
        }
    }
}
