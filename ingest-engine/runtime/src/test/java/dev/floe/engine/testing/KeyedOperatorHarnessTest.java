package dev.floe.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.engine.config.StateConfig;
import dev.floe.engine.dataflow.KeyGroupRange;
import dev.floe.engine.dataflow.KeyGroups;
import dev.floe.engine.dataflow.KeySelectors;
import dev.floe.engine.spi.dataflow.Collector;
import dev.floe.engine.spi.dataflow.KeySelector;
import dev.floe.engine.spi.dataflow.KeyedOperator;
import dev.floe.engine.spi.dataflow.KeyedOperatorContext;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.row.Utf8Slice;
import dev.floe.engine.spi.state.StateDescriptor;
import dev.floe.engine.spi.state.StateSerializers;
import dev.floe.engine.spi.state.TimerService;
import dev.floe.engine.spi.state.ValueState;
import dev.floe.engine.state.KeyedStateHandle;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The harness drives a keyed operator through a crash and a rescale, on either backend. */
class KeyedOperatorHarnessTest {
    private static final Schema ORDERS = new Schema(
            Types.NestedField.required(1, "customer", Types.StringType.get()),
            Types.NestedField.required(2, "quantity", Types.IntegerType.get()));
    private static final RowType ORDER = RowType.of(ORDERS);
    private static final Schema TOTALS = new Schema(
            Types.NestedField.required(1, "customer", Types.StringType.get()),
            Types.NestedField.required(2, "quantity", Types.LongType.get()));
    private static final RowType TOTAL = RowType.of(TOTALS);
    private static final KeySelector BY_CUSTOMER = KeySelectors.fields(List.of("customer"));

    @TempDir
    Path directory;

    private static Row order(String customer, int quantity) {
        Row row = new Row(ORDER);
        row.setReference(0, Utf8Slice.of(customer));
        row.setInt(1, quantity);
        return row;
    }

    private static Map<String, Long> totals(List<Row> rows) {
        Map<String, Long> totals = new TreeMap<>();
        for (Row row : rows) {
            assertThat(totals.put(row.get(0, CharSequence.class).toString(), row.getLong(1)))
                    .as("one total per customer")
                    .isNull();
        }
        return totals;
    }

    @ParameterizedTest
    @EnumSource(StateConfig.Backend.class)
    void totalsAreExactAfterACrashAndARestoreIntoTwoSubtasks(StateConfig.Backend backend) {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:00:00Z"));
        Map<String, Long> expected = new TreeMap<>();
        List<KeyedStateHandle> checkpoint;
        try (KeyedOperatorHarness harness =
                KeyedOperatorHarness.of(QuantityTotals::new, BY_CUSTOMER, clock, directory, backend)) {
            for (int i = 0; i < 500; i++) {
                String customer = "customer-" + (i % 40);
                harness.process(order(customer, i));
                expected.merge(customer, (long) i, Long::sum);
            }
            checkpoint = List.of(harness.checkpoint(1));
            // after the checkpoint: lost in the crash, and read again from the source after it
            harness.process(order("customer-1", 1_000));
        }
        List<Row> emitted = new ArrayList<>();
        try (KeyedOperatorHarness restored =
                KeyedOperatorHarness.of(QuantityTotals::new, BY_CUSTOMER, clock, directory, backend)) {
            for (int subtask = 0; subtask < 2; subtask++) {
                KeyGroupRange range = KeyGroups.range(subtask, KeyGroups.DEFAULT_MAX_PARALLELISM, 2);
                try (KeyedOperatorHarness half = restored.restart(checkpoint, range)) {
                    emitted.addAll(half.endOfInput().drain());
                }
            }
        }

        assertThat(totals(emitted)).isEqualTo(expected);
    }

    /** The quantity per customer, emitted when event time ends. */
    private static final class QuantityTotals implements KeyedOperator {
        private ValueState<Long> quantity;
        private TimerService timers;
        private KeyedOperatorContext context;

        @Override
        public Schema outputSchema(Schema input) {
            return TOTALS;
        }

        @Override
        public void open(KeyedOperatorContext newContext) {
            context = newContext;
            quantity = newContext.state().valueState(StateDescriptor.of("quantity", StateSerializers.LONG));
            timers = newContext.timers();
        }

        @Override
        public void process(Row row, Collector out) {
            Long total = quantity.value();
            if (total == null) {
                timers.registerEventTimeTimer(Long.MAX_VALUE);
                total = 0L;
            }
            quantity.update(total + row.getInt(1));
        }

        @Override
        public void onEventTime(long time, Collector out) {
            Row row = new Row(TOTAL);
            byte[] key = context.currentKey();
            // a key of one string field: a tag, two length bytes, the UTF-8 bytes
            row.setReference(
                    0, Utf8Slice.of(new String(key, 3, key.length - 3, java.nio.charset.StandardCharsets.UTF_8)));
            row.setLong(1, quantity.value());
            out.collect(row);
            quantity.clear();
        }
    }
}
