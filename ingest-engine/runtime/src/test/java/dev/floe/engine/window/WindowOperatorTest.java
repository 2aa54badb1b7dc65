package dev.floe.engine.window;

import static dev.floe.engine.window.WindowRows.aggregate;
import static dev.floe.engine.window.WindowRows.order;
import static dev.floe.engine.window.WindowRows.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.config.ConfigLocation;
import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.state.KeyedStateHandle;
import dev.floe.engine.testing.KeyedOperatorHarness;
import dev.floe.engine.testing.ManualClock;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowOperatorTest {
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    private KeyedOperatorHarness harness(WindowSpec spec) {
        return KeyedOperatorHarness.of(
                WindowOperator.factory(spec, WindowRows.ORDERS),
                WindowOperator.keySelector(spec.keyBy()),
                clock,
                directory);
    }

    private static Map<String, Object> row(
            String customer, long start, long end, long orders, long quantity, long version) {
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        values.put("customer", customer);
        values.put("window_start", start);
        values.put("window_end", end);
        values.put("orders", orders);
        values.put("quantity", quantity);
        values.put("window_version", version);
        return values;
    }

    private static List<Map<String, Object>> drained(KeyedOperatorHarness harness) {
        return harness.drain().stream().map(WindowRows::values).toList();
    }

    @Test
    void tumblingWindowsEmitOnceWhenTheWatermarkPassesTheirLastMillisecond() {
        try (KeyedOperatorHarness harness =
                harness(WindowRows.tumbling(MINUTE, Duration.ZERO, WindowRows.countAndSum()))) {
            harness.process(order("C1", 2, 0)).process(order("C1", 3, 59_999)).process(order("C1", 7, 60_000));
            harness.process(order("C2", 1, 59_000));

            assertThat(harness.watermark(59_998).drain()).isEmpty();
            assertThat(drained(harness.watermark(59_999)))
                    .containsExactlyInAnyOrder(row("C1", 0, 60_000, 2, 5, 1), row("C2", 0, 60_000, 1, 1, 1));
            assertThat(drained(harness.watermark(119_999))).containsExactly(row("C1", 60_000, 120_000, 1, 7, 1));
            assertThat(harness.watermark(600_000).drain())
                    .as("each window once")
                    .isEmpty();
        }
    }

    @Test
    void outOfOrderRecordsBeforeTheWatermarkCountInTheirWindow() {
        try (KeyedOperatorHarness harness =
                harness(WindowRows.tumbling(MINUTE, Duration.ZERO, WindowRows.countAndSum()))) {
            harness.process(order("C1", 1, 70_000)).watermark(50_000);
            harness.process(order("C1", 2, 55_000)).process(order("C1", 4, 10_000));

            assertThat(drained(harness.watermark(60_000))).containsExactly(row("C1", 0, 60_000, 2, 6, 1));
        }
    }

    @Test
    void aLateRecordWithinTheAllowedLatenessUpdatesTheWindowWithTheNextVersionAndLaterOnesAreRefused() {
        WindowSpec spec = WindowRows.tumbling(MINUTE, Duration.ofSeconds(10), WindowRows.countAndSum());
        try (KeyedOperatorHarness harness = harness(spec)) {
            harness.process(order("C1", 1, 1_000));
            assertThat(drained(harness.watermark(59_999))).containsExactly(row("C1", 0, 60_000, 1, 1, 1));

            harness.process(order("C1", 5, 30_000));
            assertThat(drained(harness)).as("emitted at once").containsExactly(row("C1", 0, 60_000, 2, 6, 2));

            harness.watermark(69_999);
            assertThatThrownBy(() -> harness.process(order("C1", 9, 59_999)))
                    .isInstanceOf(BadRecordException.class)
                    .hasMessageContaining("Cannot add the record at event time 1970-01-01T00:00:59.999Z to its window")
                    .hasMessageContaining("the watermark is at 1970-01-01T00:01:09.999Z")
                    .satisfies(e -> assertThat(((BadRecordException) e).code()).isEqualTo(WindowErrorCode.LATE_RECORD))
                    .satisfies(e -> assertThat(((BadRecordException) e).stage()).isEqualTo("window"));
            assertThat(harness.drain()).as("a refused record changes nothing").isEmpty();
        }
    }

    @Test
    void withoutAllowedLatenessARecordForAnEmittedWindowIsLate() {
        try (KeyedOperatorHarness harness =
                harness(WindowRows.tumbling(MINUTE, Duration.ZERO, WindowRows.countAndSum()))) {
            harness.process(order("C1", 1, 1_000)).watermark(59_999).drain();

            assertThatThrownBy(() -> harness.process(order("C1", 1, 59_999))).isInstanceOf(BadRecordException.class);
            harness.process(order("C1", 1, 60_000));
            assertThat(drained(harness.watermark(119_999))).containsExactly(row("C1", 60_000, 120_000, 1, 1, 1));
        }
    }

    @Test
    void aRecordInSlidingWindowsCountsInEveryWindowThatHoldsIt() {
        WindowSpec spec = new WindowSpec(
                WindowSpec.WindowKind.SLIDING,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                null,
                List.of("customer"),
                WindowRows.countAndSum(),
                Duration.ZERO,
                WindowSpec.UpdateMode.VERSION,
                null,
                WindowRows.EVENT_TIME,
                ConfigLocation.code("window"));
        try (KeyedOperatorHarness harness = harness(spec)) {
            harness.process(order("C1", 1, 7_000)).process(order("C1", 2, 12_000));

            assertThat(drained(harness.watermark(9_999))).containsExactly(row("C1", 0, 10_000, 1, 1, 1));
            assertThat(drained(harness.watermark(14_999))).containsExactly(row("C1", 5_000, 15_000, 2, 3, 1));
            assertThat(drained(harness.watermark(19_999))).containsExactly(row("C1", 10_000, 20_000, 1, 2, 1));
        }
    }

    @Test
    void aRecordBetweenTwoSessionsMergesThemIntoOne() {
        WindowSpec spec = new WindowSpec(
                WindowSpec.WindowKind.SESSION,
                null,
                null,
                Duration.ofSeconds(10),
                List.of("customer"),
                List.of(
                        aggregate("orders", AggregateSpec.AggregateFunction.COUNT, null),
                        aggregate("quantity", AggregateSpec.AggregateFunction.SUM, "quantity"),
                        aggregate("skus", AggregateSpec.AggregateFunction.COUNT_DISTINCT, "sku")),
                Duration.ZERO,
                WindowSpec.UpdateMode.VERSION,
                null,
                WindowRows.EVENT_TIME,
                ConfigLocation.code("window"));
        try (KeyedOperatorHarness harness = harness(spec)) {
            harness.process(order("C1", 1, 100, 0, "A"))
                    .process(order("C1", 2, 100, 15_000, "B"))
                    .process(order("C2", 4, 100, 1_000, "A"));
            harness.process(order("C1", 3, 100, 10_000, "A"));

            List<Map<String, Object>> rows = drained(harness.watermark(24_999));
            assertThat(rows).hasSize(2);
            assertThat(rows)
                    .anySatisfy(row -> assertThat(row)
                            .containsEntry("customer", "C1")
                            .containsEntry("window_start", 0L)
                            .containsEntry("window_end", 25_000L)
                            .containsEntry("orders", 3L)
                            .containsEntry("quantity", 6L)
                            .containsEntry("skus", 2L))
                    .anySatisfy(row -> assertThat(row)
                            .containsEntry("customer", "C2")
                            .containsEntry("window_start", 1_000L)
                            .containsEntry("window_end", 11_000L)
                            .containsEntry("skus", 1L));
        }
    }

    @Test
    void everyAggregateOverOneWindow() {
        List<AggregateSpec> aggregates = List.of(
                aggregate("orders", AggregateSpec.AggregateFunction.COUNT, null),
                aggregate("revenue", AggregateSpec.AggregateFunction.SUM, "price"),
                aggregate("smallest", AggregateSpec.AggregateFunction.MIN, "quantity"),
                aggregate("largest", AggregateSpec.AggregateFunction.MAX, "price"),
                aggregate("average", AggregateSpec.AggregateFunction.AVG, "quantity"),
                aggregate("first_sku", AggregateSpec.AggregateFunction.FIRST, "sku"),
                aggregate("last_sku", AggregateSpec.AggregateFunction.LAST, "sku"),
                aggregate("skus", AggregateSpec.AggregateFunction.COUNT_DISTINCT, "sku"),
                aggregate("skus_approx", AggregateSpec.AggregateFunction.APPROX_COUNT_DISTINCT, "sku"),
                aggregate("min_sku", AggregateSpec.AggregateFunction.MIN, "sku"));
        try (KeyedOperatorHarness harness = harness(WindowRows.tumbling(MINUTE, Duration.ZERO, aggregates))) {
            harness.process(order("C1", 3, 1_050, 20_000, "B"))
                    .process(order("C1", 1, 999, 10_000, "C"))
                    .process(order("C1", 2, 2_001, 50_000, "A"))
                    .process(order("C1", 6, 100, 30_000, "B"));

            List<Row> rows = harness.watermark(59_999).drain();
            assertThat(rows).hasSize(1);
            Map<String, Object> row = values(rows.get(0));
            assertThat(row)
                    .containsEntry("orders", 4L)
                    .containsEntry("revenue", new BigDecimal("41.50"))
                    .containsEntry("smallest", 1L)
                    .containsEntry("largest", new BigDecimal("20.01"))
                    .containsEntry("average", 3.0)
                    .containsEntry("first_sku", "C")
                    .containsEntry("last_sku", "A")
                    .containsEntry("skus", 3L)
                    .containsEntry("skus_approx", 3L)
                    .containsEntry("min_sku", "A");
            assertThat(rows.get(0).type().schema().findField("revenue").type().toString())
                    .isEqualTo("decimal(38, 2)");
        }
    }

    @Test
    void aRestartInTheMiddleOfAWindowKeepsItsStateAndTimers() {
        WindowSpec spec = WindowRows.tumbling(MINUTE, Duration.ZERO, WindowRows.countAndSum());
        KeyedStateHandle handle;
        try (KeyedOperatorHarness harness = harness(spec)) {
            harness.process(order("C1", 1, 5_000))
                    .process(order("C2", 2, 6_000))
                    .watermark(30_000);
            handle = harness.checkpoint(1);
            harness.process(order("C1", 100, 7_000)).watermark(40_000);
        }
        try (KeyedOperatorHarness restarted = harness(spec).restart(List.of(handle))) {
            restarted.watermark(30_000).process(order("C1", 4, 50_000));

            assertThat(drained(restarted.watermark(59_999)))
                    .as("what came after the checkpoint is read again, not remembered")
                    .containsExactlyInAnyOrder(row("C1", 0, 60_000, 2, 5, 1), row("C2", 0, 60_000, 1, 2, 1));
        }
    }

    @Test
    void earlyResultsComeOnTheProcessingTimeIntervalBeforeTheFinalOne() {
        WindowSpec spec = new WindowSpec(
                WindowSpec.WindowKind.TUMBLING,
                MINUTE,
                null,
                null,
                List.of("customer"),
                WindowRows.countAndSum(),
                Duration.ZERO,
                WindowSpec.UpdateMode.VERSION,
                Duration.ofSeconds(10),
                WindowRows.EVENT_TIME,
                ConfigLocation.code("window"));
        try (KeyedOperatorHarness harness = harness(spec)) {
            harness.process(order("C1", 1, 1_000));
            assertThat(drained(harness.advanceProcessingTime(Duration.ofSeconds(10))))
                    .containsExactly(row("C1", 0, 60_000, 1, 1, 1));
            assertThat(harness.advanceProcessingTime(Duration.ofSeconds(10)).drain())
                    .as("nothing changed since")
                    .isEmpty();

            harness.process(order("C1", 2, 2_000));
            assertThat(drained(harness.watermark(59_999))).containsExactly(row("C1", 0, 60_000, 2, 3, 2));
        }
    }

    @Test
    void upsertWindowsMakeTheKeysAndTheStartTheIdentifierFields() {
        WindowSpec spec = new WindowSpec(
                WindowSpec.WindowKind.TUMBLING,
                MINUTE,
                null,
                null,
                List.of("customer"),
                WindowRows.countAndSum(),
                Duration.ofMinutes(5),
                WindowSpec.UpdateMode.UPSERT,
                null,
                WindowRows.EVENT_TIME,
                ConfigLocation.code("window"));

        org.apache.iceberg.Schema schema = WindowOperator.outputSchema(spec, WindowRows.ORDERS);

        assertThat(schema.identifierFieldNames()).containsExactlyInAnyOrder("customer", "window_start");
        assertThat(schema.columns().stream().map(c -> c.name()))
                .containsExactly("customer", "window_start", "window_end", "orders", "quantity", "window_version");
    }
}
