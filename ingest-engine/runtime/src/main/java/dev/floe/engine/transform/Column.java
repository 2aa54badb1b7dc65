package dev.floe.engine.transform;

import dev.floe.engine.spi.dataflow.RecordMetadata;
import dev.floe.engine.spi.row.Row;

/** Where one column of a transform's output row comes from. */
abstract class Column {
    /** Writes this column's value for {@code in} (from {@code record}) at {@code position} of {@code out}. */
    abstract void write(Row in, RecordMetadata record, Row out, int position);

    /** The input's column at {@code from}, as it is. */
    static Column copy(int from) {
        return new Column() {
            @Override
            void write(Row in, RecordMetadata record, Row out, int position) {
                copySlot(in, from, out, position);
            }
        };
    }

    /** A field of a nested record: {@code path} are positions, the last one in the innermost record. */
    static Column nested(int[] path) {
        return new Column() {
            @Override
            void write(Row in, RecordMetadata record, Row out, int position) {
                Row row = in;
                for (int i = 0; i < path.length - 1; i++) {
                    if (row.isNull(path[i])) {
                        out.setNull(position);
                        return;
                    }
                    row = (Row) row.getReference(path[i]);
                }
                copySlot(row, path[path.length - 1], out, position);
            }
        };
    }

    /** Copies a slot as stored: primitives as their raw long, references as they are. */
    static void copySlot(Row in, int from, Row out, int to) {
        if (in.isNull(from)) {
            out.setNull(to);
        } else if (in.type().kind(from).isPrimitive()) {
            out.setLong(to, in.getLong(from));
        } else {
            out.setReference(to, in.getReference(from));
        }
    }
}
