package dev.floe.engine.window;

import dev.floe.engine.config.ConfigLocation;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.row.Utf8Slice;
import dev.floe.engine.time.EventTimeSpec;
import dev.floe.engine.time.EventTimeUnit;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/** Orders as a window sees them, and windows over them, for the window tests. */
final class WindowRows {
    static final Schema ORDERS = new Schema(
            Types.NestedField.required(1, "customer", Types.StringType.get()),
            Types.NestedField.optional(2, "quantity", Types.LongType.get()),
            Types.NestedField.optional(3, "price", Types.DecimalType.of(10, 2)),
            Types.NestedField.required(4, "event_time", Types.TimestampType.withZone()),
            Types.NestedField.optional(5, "sku", Types.StringType.get()));
    static final RowType TYPE = RowType.of(ORDERS);
    static final EventTimeSpec EVENT_TIME =
            new EventTimeSpec("event_time", EventTimeUnit.MILLIS, null, Duration.ZERO, Duration.ZERO);

    private WindowRows() {}

    /** An order of {@code customer} at {@code millis} of event time. */
    static Row order(String customer, long quantity, long priceCents, long millis, String sku) {
        Row row = new Row(TYPE);
        row.setReference(0, Utf8Slice.of(customer));
        row.setLong(1, quantity);
        row.setLong(2, priceCents);
        row.setLong(3, millis * 1000);
        row.setReference(4, Utf8Slice.of(sku));
        return row;
    }

    static Row order(String customer, long quantity, long millis) {
        return order(customer, quantity, 100, millis, "SKU-1");
    }

    static AggregateSpec aggregate(String name, AggregateSpec.AggregateFunction function, String field) {
        return new AggregateSpec(name, function, field, ConfigLocation.code("window.aggregates"));
    }

    static List<AggregateSpec> countAndSum() {
        return List.of(
                aggregate("orders", AggregateSpec.AggregateFunction.COUNT, null),
                aggregate("quantity", AggregateSpec.AggregateFunction.SUM, "quantity"));
    }

    static WindowSpec tumbling(Duration size, Duration lateness, List<AggregateSpec> aggregates) {
        return new WindowSpec(
                WindowSpec.WindowKind.TUMBLING,
                size,
                null,
                null,
                List.of("customer"),
                aggregates,
                lateness,
                WindowSpec.UpdateMode.VERSION,
                null,
                EVENT_TIME,
                ConfigLocation.code("window"));
    }

    /** A window row as column name to value (timestamps as epoch milliseconds). */
    static Map<String, Object> values(Row row) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < row.size(); i++) {
            String name = row.type().field(i).name();
            Object value = row.get(i, Object.class);
            if (name.startsWith("window_") && !name.equals(WindowSpec.VERSION) && value != null) {
                value = (Long) value / 1000;
            } else if (value instanceof CharSequence) {
                value = value.toString();
            }
            values.put(name, value);
        }
        return values;
    }
}
