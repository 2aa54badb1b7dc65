package dev.floe.engine.spi.row;

import java.util.List;
import java.util.Objects;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * The layout of a {@link Row}: its Iceberg struct type and how each field is stored.
 *
 * <p>Built once per schema and shared by every row of that schema, so that a writer can tell a
 * schema change by reference comparison ({@code row.type() != current}).
 */
public final class RowType {
    private final Types.StructType struct;
    private final Schema schema;
    private final FieldKind[] kinds;
    private final int[] scales;
    private final RowType[] nested;

    private RowType(Types.StructType struct, Schema schema) {
        this.struct = Objects.requireNonNull(struct, "struct");
        this.schema = schema;
        List<Types.NestedField> fields = struct.fields();
        this.kinds = new FieldKind[fields.size()];
        this.scales = new int[fields.size()];
        this.nested = new RowType[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            Types.NestedField field = fields.get(i);
            kinds[i] = FieldKind.of(field.type());
            if (field.type() instanceof Types.DecimalType) {
                scales[i] = ((Types.DecimalType) field.type()).scale();
            } else if (field.type().isStructType()) {
                nested[i] = new RowType(field.type().asStructType(), null);
            }
        }
    }

    /** The row type of a table schema's top-level struct. */
    public static RowType of(Schema schema) {
        return new RowType(schema.asStruct(), schema);
    }

    /** The row type of a nested struct. */
    public static RowType of(Types.StructType struct) {
        return new RowType(struct, null);
    }

    public Types.StructType struct() {
        return struct;
    }

    /** The schema this type was built from, with its identifier fields; null for nested structs. */
    public Schema schema() {
        return schema;
    }

    public int size() {
        return kinds.length;
    }

    public FieldKind kind(int position) {
        return kinds[position];
    }

    public int scale(int position) {
        return scales[position];
    }

    /** The row type of the struct at {@code position}; null when that field is not a struct. */
    public RowType nested(int position) {
        return nested[position];
    }

    public Types.NestedField field(int position) {
        return struct.fields().get(position);
    }

    @Override
    public String toString() {
        return struct.toString();
    }
}
