package dev.floe.engine.dataflow;

import dev.floe.engine.spi.row.FieldKind;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Reshapes rows of an operator's output type into the table's row type, field by name, widening
 * int to long and float to double; table columns the rows lack are null. Compiled once per pair
 * of types; used by one thread.
 */
public final class RowConformer {
    private final Map<RowType, Mapping> mappings = new IdentityHashMap<>();

    /** {@code row} as a row of {@code target}: the row itself when it already is one. */
    public Row conform(Row row, RowType target) {
        if (row.type() == target) {
            return row;
        }
        Mapping mapping = mappings.get(row.type());
        if (mapping == null || mapping.target != target) {
            mapping = new Mapping(row.type(), target);
            mappings.put(row.type(), mapping);
        }
        return mapping.apply(row);
    }

    private static final class Mapping {
        final RowType target;
        final int[] sources;
        final Row output;

        Mapping(RowType source, RowType target) {
            this.target = target;
            this.sources = new int[target.size()];
            for (int i = 0; i < target.size(); i++) {
                sources[i] = -1;
                String name = target.field(i).name();
                for (int j = 0; j < source.size(); j++) {
                    if (source.field(j).name().equals(name)) {
                        sources[i] = j;
                        if (!compatible(source.kind(j), target.kind(i))) {
                            throw new IllegalArgumentException("Cannot write field '" + name + "' of type "
                                    + source.field(j).type() + " into column type "
                                    + target.field(i).type());
                        }
                    }
                }
                if (sources[i] < 0 && target.field(i).isRequired()) {
                    throw new IllegalArgumentException("Cannot write rows of " + source
                            + " into the table: its required column '" + name + "' has no field");
                }
            }
            this.output = new Row(target);
        }

        private static boolean compatible(FieldKind from, FieldKind to) {
            return from == to
                    || (from == FieldKind.INT && to == FieldKind.LONG)
                    || (from == FieldKind.FLOAT && to == FieldKind.DOUBLE);
        }

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
                } else if (to.isPrimitive()) {
                    // the same kind's raw slot, or an int's value widened: both are the stored long
                    output.setLong(i, row.getLong(source));
                } else {
                    output.setReference(i, row.getReference(source));
                }
            }
            return output;
        }
    }
}
