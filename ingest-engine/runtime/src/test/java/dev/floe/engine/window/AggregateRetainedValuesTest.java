package dev.floe.engine.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.engine.config.ConfigLocation;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import java.nio.charset.StandardCharsets;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * Window accumulators keep values across records, while the row they read is refilled for every
 * record (the decoder's, with the same string slice over a rewritten buffer here).
 */
class AggregateRetainedValuesTest {
    private static final Types.NestedField CUSTOMER = Types.NestedField.optional(1, "customer", Types.StringType.get());
    private static final RowType TYPE = RowType.of(new Schema(CUSTOMER));

    private final byte[] buffer = new byte[32];
    private final Row row = new Row(TYPE);

    private Row fill(String customer) {
        byte[] bytes = customer.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, buffer, 0, bytes.length);
        row.setString(0, buffer, 0, bytes.length);
        return row;
    }

    private static Aggregate positional(AggregateSpec.AggregateFunction function) {
        return new Aggregate.Positional(
                new AggregateSpec("customer_" + function, function, "customer", ConfigLocation.code("window")),
                CUSTOMER,
                function == AggregateSpec.AggregateFunction.LAST);
    }

    private static String result(Aggregate aggregate, WindowAccumulator accumulator) {
        Row out = new Row(TYPE);
        aggregate.result(accumulator, out, 0);
        return out.getReference(0).toString();
    }

    @Test
    void firstKeepsTheFirstRecordsStringWhenTheRowIsRefilled() {
        Aggregate first = positional(AggregateSpec.AggregateFunction.FIRST);
        WindowAccumulator accumulator = new WindowAccumulator(0, 10, first.longCount(), first.objectCount());

        first.add(accumulator, fill("ada"), 0, 1);
        first.add(accumulator, fill("bob"), 0, 2);

        assertThat(result(first, accumulator)).isEqualTo("ada");
    }

    @Test
    void lastKeepsTheLatestRecordsStringWhenTheRowIsRefilledWithAnEarlierOne() {
        Aggregate last = positional(AggregateSpec.AggregateFunction.LAST);
        WindowAccumulator accumulator = new WindowAccumulator(0, 10, last.longCount(), last.objectCount());

        last.add(accumulator, fill("ada"), 0, 5);
        last.add(accumulator, fill("bob"), 0, 2); // earlier event time: not the last

        assertThat(result(last, accumulator)).isEqualTo("ada");
    }

    @Test
    void distinctValuesAreOwnedBytesNotViewsOfTheRow() {
        byte[] ada = ValueDomain.bytes(fill("ada"), 0);

        fill("bob");

        assertThat(new String(ada, StandardCharsets.UTF_8)).isEqualTo("ada");
    }
}
