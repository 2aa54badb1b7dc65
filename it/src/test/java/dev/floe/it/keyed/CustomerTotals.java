package dev.floe.it.keyed;

import dev.floe.engine.spi.dataflow.Collector;
import dev.floe.engine.spi.dataflow.KeyedOperator;
import dev.floe.engine.spi.dataflow.KeyedOperatorContext;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.row.Utf8Slice;
import dev.floe.engine.spi.state.StateDescriptor;
import dev.floe.engine.spi.state.StateSerializers;
import dev.floe.engine.spi.state.TimerService;
import dev.floe.engine.spi.state.ValueState;
import java.nio.charset.StandardCharsets;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * Orders and quantity per customer, emitted once per customer when event time ends (a timer at the
 * end of time, which fires when a bounded run's input ends) and then forgotten, so a restart never
 * emits a customer twice.
 */
final class CustomerTotals implements KeyedOperator {
    static final Schema OUTPUT = new Schema(
            Types.NestedField.required(1, "customer_id", Types.StringType.get()),
            Types.NestedField.required(2, "orders", Types.LongType.get()),
            Types.NestedField.required(3, "quantity", Types.LongType.get()));
    private static final RowType TYPE = RowType.of(OUTPUT);

    private ValueState<Long> orders;
    private ValueState<Long> quantity;
    private TimerService timers;
    private KeyedOperatorContext context;
    private RowType inputType;
    private int quantityField;

    @Override
    public Schema outputSchema(Schema input) {
        return OUTPUT;
    }

    @Override
    public void open(KeyedOperatorContext newContext) {
        this.context = newContext;
        this.orders = newContext.state().valueState(StateDescriptor.of("orders", StateSerializers.LONG));
        this.quantity = newContext.state().valueState(StateDescriptor.of("quantity", StateSerializers.LONG));
        this.timers = newContext.timers();
    }

    @Override
    public void process(Row row, Collector out) {
        if (row.type() != inputType) {
            inputType = row.type();
            quantityField = -1;
            for (int i = 0; i < inputType.size(); i++) {
                if (inputType.field(i).name().equals("quantity")) {
                    quantityField = i;
                }
            }
        }
        Long count = orders.value();
        if (count == null) {
            timers.registerEventTimeTimer(Long.MAX_VALUE);
            count = 0L;
        }
        orders.update(count + 1);
        Long total = quantity.value();
        quantity.update((total == null ? 0 : total) + row.getInt(quantityField));
    }

    @Override
    public void onEventTime(long time, Collector out) {
        Row row = new Row(TYPE);
        row.setReference(0, Utf8Slice.of(customer(context.currentKey())));
        row.setLong(1, orders.value());
        row.setLong(2, quantity.value());
        out.collect(row);
        orders.clear();
        quantity.clear();
    }

    /** The customer id inside a key of one string field (tag, two length bytes, UTF-8). */
    static String customer(byte[] key) {
        return new String(key, 3, key.length - 3, StandardCharsets.UTF_8);
    }
}
