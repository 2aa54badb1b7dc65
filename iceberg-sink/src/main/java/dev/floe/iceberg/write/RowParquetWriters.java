package dev.floe.iceberg.write;

import dev.floe.engine.spi.row.FieldKind;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.FieldMetrics;
import org.apache.iceberg.Schema;
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.iceberg.parquet.TripleWriter;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;

/**
 * Builds the Parquet writer of {@link Row}s for a table schema: a tree of column writers that
 * reads each field with the row's typed accessors and hands it to Parquet's column writer, so no
 * value is boxed or converted on the way from the Kafka buffer to the Parquet page.
 *
 * <p>Iceberg's {@code ParquetSchemaUtil} lays the Parquet schema out in the order of the Iceberg
 * schema (lists as three-level {@code list/element}, maps as {@code key_value/key,value}), which is
 * what this builder walks.
 */
public final class RowParquetWriters {
    private RowParquetWriters() {}

    /** The writer for rows of {@code schema}, given the Parquet schema Iceberg derived from it. */
    public static ParquetValueWriter<Row> build(Schema schema, MessageType message) {
        RowType type = RowType.of(schema);
        return new Root(struct(message, type, message, new String[0]));
    }

    private static ValueWriters.StructWriter struct(MessageType message, RowType type, GroupType group, String[] path) {
        List<Types.NestedField> fields = type.struct().fields();
        ValueWriters.FieldWriter[] writers = new ValueWriters.FieldWriter[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            Types.NestedField field = fields.get(i);
            org.apache.parquet.schema.Type parquet = group.getType(i);
            String[] fieldPath = append(path, parquet.getName());
            writers[i] = field(
                    message, field.type(), type.kind(i), type.nested(i), parquet, fieldPath, i, field.isOptional());
        }
        return new ValueWriters.StructWriter(writers);
    }

    private static ValueWriters.FieldWriter field(
            MessageType message,
            Type type,
            FieldKind kind,
            RowType nested,
            org.apache.parquet.schema.Type parquet,
            String[] path,
            int position,
            boolean optional) {
        int nullLevel = message.getMaxDefinitionLevel(path) - 1;
        switch (kind) {
            case STRUCT:
                return new ValueWriters.NestedStructWriter(
                        position, nullLevel, optional, struct(message, nested, parquet.asGroupType(), path), nested);
            case LIST: {
                Types.ListType list = type.asListType();
                GroupType repeated = parquet.asGroupType().getType(0).asGroupType();
                String[] repeatedPath = append(path, repeated.getName());
                org.apache.parquet.schema.Type elementType = repeated.getType(0);
                String[] elementPath = append(repeatedPath, elementType.getName());
                ValueWriters.FieldWriter element = field(
                        message,
                        list.elementType(),
                        FieldKind.of(list.elementType()),
                        nestedOf(list.elementType()),
                        elementType,
                        elementPath,
                        -1,
                        list.isElementOptional());
                return new ValueWriters.ListWriter(
                        position,
                        nullLevel,
                        optional,
                        message.getMaxDefinitionLevel(repeatedPath) - 1,
                        message.getMaxRepetitionLevel(repeatedPath),
                        element);
            }
            case MAP: {
                Types.MapType map = type.asMapType();
                GroupType repeated = parquet.asGroupType().getType(0).asGroupType();
                String[] repeatedPath = append(path, repeated.getName());
                org.apache.parquet.schema.Type keyType = repeated.getType(0);
                org.apache.parquet.schema.Type valueType = repeated.getType(1);
                ValueWriters.FieldWriter key = field(
                        message,
                        map.keyType(),
                        FieldKind.of(map.keyType()),
                        nestedOf(map.keyType()),
                        keyType,
                        append(repeatedPath, keyType.getName()),
                        -1,
                        false);
                ValueWriters.FieldWriter value = field(
                        message,
                        map.valueType(),
                        FieldKind.of(map.valueType()),
                        nestedOf(map.valueType()),
                        valueType,
                        append(repeatedPath, valueType.getName()),
                        -1,
                        map.isValueOptional());
                return new ValueWriters.MapWriter(
                        position,
                        nullLevel,
                        optional,
                        message.getMaxDefinitionLevel(repeatedPath) - 1,
                        message.getMaxRepetitionLevel(repeatedPath),
                        key,
                        value);
            }
            default:
                return PrimitiveWriters.of(
                        kind, type, message.getColumnDescription(path), position, nullLevel, optional);
        }
    }

    private static RowType nestedOf(Type type) {
        return type.isStructType() ? RowType.of(type.asStructType()) : null;
    }

    private static String[] append(String[] path, String name) {
        String[] longer = new String[path.length + 1];
        System.arraycopy(path, 0, longer, 0, path.length);
        longer[path.length] = name;
        return longer;
    }

    /** The top of the tree: a row at repetition level 0. */
    private static final class Root implements ParquetValueWriter<Row> {
        private final ValueWriters.StructWriter struct;
        private final List<TripleWriter<?>> columns;

        Root(ValueWriters.StructWriter struct) {
            this.struct = struct;
            List<TripleWriter<?>> all = new ArrayList<>();
            struct.collectColumns(all);
            this.columns = List.copyOf(all);
        }

        @Override
        public void write(int repetitionLevel, Row row) {
            struct.writeFields(repetitionLevel, row);
        }

        @Override
        public List<TripleWriter<?>> columns() {
            return columns;
        }

        @Override
        public void setColumnStore(ColumnWriteStore store) {
            struct.setColumnStore(store);
        }

        @Override
        public Stream<FieldMetrics<?>> metrics() {
            return struct.metrics();
        }
    }
}
