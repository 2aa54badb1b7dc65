package dev.floe.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.engine.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The {@code floe.sink.freshness} gauge: now minus when the oldest uncommitted row reached the sink. */
class TableFreshnessTest {
    private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

    private final ManualClock clock = new ManualClock(START);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PipelineMetrics metrics = new PipelineMetrics("orders", registry, clock);

    private double gauge(String table) {
        return registry.get("floe.sink.freshness")
                .tags("pipeline", "orders", "table", table)
                .gauge()
                .value();
    }

    @Test
    void freshnessIsTheAgeOfTheOldestUncommittedRowAndZeroWhenNothingWaits() {
        AtomicReference<Optional<Instant>> oldest = new AtomicReference<>(Optional.empty());
        metrics.freshness("sales.orders", oldest::get);
        assertThat(gauge("sales.orders")).isZero();

        oldest.set(Optional.of(START));
        clock.advance(Duration.ofSeconds(90));
        assertThat(gauge("sales.orders")).isEqualTo(90.0);

        oldest.set(Optional.empty());
        assertThat(gauge("sales.orders")).isZero();
    }

    @Test
    void aRestartedPipelinesSinkReplacesWhatTheGaugeReads() {
        metrics.freshness("sales.orders", () -> Optional.of(START));
        clock.advance(Duration.ofSeconds(30));
        metrics.freshness("sales.orders", () -> Optional.of(START.plusSeconds(20)));

        assertThat(gauge("sales.orders")).isEqualTo(10.0);
        assertThat(registry.find("floe.sink.freshness").gauges()).hasSize(1);
    }
}
