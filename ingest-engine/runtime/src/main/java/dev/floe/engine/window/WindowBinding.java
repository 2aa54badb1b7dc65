package dev.floe.engine.window;

import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.row.FieldKind;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.time.EventTimeReader;
import dev.floe.engine.transform.TransformErrorCode;
import java.util.List;

/**
 * Where a window finds its event time and its aggregates' fields in rows of one type (one writer
 * schema version). A later schema must give each aggregate a column of the type it was laid out
 * for, or a widening of it for counts, sums and averages.
 */
final class WindowBinding {
    final RowType type;
    final EventTimeReader time;
    final int[] positions;

    WindowBinding(RowType type, WindowLayout layout) {
        this.type = type;
        try {
            this.time = EventTimeReader.compile(type, layout.spec.eventTime());
        } catch (IllegalArgumentException e) {
            throw mismatch(type, "event time: " + e.getMessage());
        }
        List<Aggregate> aggregates = layout.aggregates;
        this.positions = new int[aggregates.size()];
        for (int i = 0; i < aggregates.size(); i++) {
            Aggregate aggregate = aggregates.get(i);
            positions[i] = -1;
            if (aggregate.spec.field() == null) {
                continue;
            }
            for (int position = 0; position < type.size(); position++) {
                if (type.field(position).name().equals(aggregate.spec.field())) {
                    positions[i] = position;
                }
            }
            if (positions[i] < 0) {
                throw mismatch(
                        type, "no field '" + aggregate.spec.field() + "' for aggregate " + aggregate.spec.name());
            }
            FieldKind kind = type.kind(positions[i]);
            boolean widened = (aggregate.inputKind == FieldKind.INT && kind == FieldKind.LONG)
                    || (aggregate.inputKind == FieldKind.FLOAT && kind == FieldKind.DOUBLE);
            boolean keepsType = aggregate instanceof Aggregate.Extreme || aggregate instanceof Aggregate.Positional;
            boolean sameScale = kind != FieldKind.DECIMAL_LONG || type.scale(positions[i]) == aggregate.inputScale;
            if ((kind != aggregate.inputKind && (keepsType || !widened)) || !sameScale) {
                throw mismatch(
                        type,
                        "field '" + aggregate.spec.field() + "' is now of type "
                                + type.field(positions[i]).type()
                                + ", and aggregate " + aggregate.spec.name() + " was laid out for "
                                + aggregate.inputKind + "; restart the pipeline to lay the window out anew");
            }
        }
    }

    private static BadRecordException mismatch(RowType type, String reason) {
        return new BadRecordException(
                TransformErrorCode.SCHEMA_MISMATCH,
                WindowOperator.STAGE,
                "Cannot window records of schema " + type + ": " + reason);
    }
}
