package dev.floe.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.engine.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The {@code floe.sink.open.files} gauges: a sink writer's open data files, now and at most. */
class WriterOpenFilesTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PipelineMetrics metrics =
            new PipelineMetrics("fanout", registry, new ManualClock(Instant.parse("2026-11-22T10:00:00Z")));

    private double gauge(String name, int subtask) {
        return registry.get(name)
                .tags("pipeline", "fanout", "subtask", Integer.toString(subtask))
                .gauge()
                .value();
    }

    @Test
    void eachSubtasksGaugesReadWhatItsWriterHoldsNowAndAtMost() {
        AtomicInteger open = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        metrics.openFiles(0, open::get, most::get);
        metrics.openFiles(1, () -> 7, () -> 9);

        open.set(3);
        most.set(5);
        assertThat(gauge("floe.sink.open.files", 0)).isEqualTo(3.0);
        assertThat(gauge("floe.sink.open.files.max", 0)).isEqualTo(5.0);
        assertThat(gauge("floe.sink.open.files", 1)).isEqualTo(7.0);
        assertThat(gauge("floe.sink.open.files.max", 1)).isEqualTo(9.0);
    }

    @Test
    void aRestartedPipelinesWriterReplacesWhatTheGaugesRead() {
        metrics.openFiles(0, () -> 4, () -> 8);
        metrics.openFiles(0, () -> 1, () -> 2);

        assertThat(gauge("floe.sink.open.files.max", 0)).isEqualTo(2.0);
        assertThat(registry.find("floe.sink.open.files.max").gauges()).hasSize(1);
    }
}
