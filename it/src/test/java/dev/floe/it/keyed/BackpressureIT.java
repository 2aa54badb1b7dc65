package dev.floe.it.keyed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.floe.engine.FloeRuntime;
import dev.floe.engine.api.PipelineDefinition;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.config.PipelineConfig;
import dev.floe.engine.dataflow.KeySelectors;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.pipeline.RunMode;
import dev.floe.engine.spi.dataflow.Collector;
import dev.floe.engine.spi.dataflow.KeyedOperator;
import dev.floe.engine.spi.dataflow.KeyedOperatorContext;
import dev.floe.engine.spi.row.Row;
import dev.floe.it.servers.EmbeddedServers;
import dev.floe.it.servers.EmbeddedServersExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A keyed stage that cannot keep up: the exchange fills to its capacity and no further, the
 * sources stop reading, and once the stage speeds up everything flows again.
 */
@ExtendWith(EmbeddedServersExtension.class)
class BackpressureIT {
    /** Takes one permit per row: with none, it stalls, like a sink that cannot write. */
    private static final class Gated implements KeyedOperator {
        private final Semaphore permits;

        Gated(Semaphore permits) {
            this.permits = permits;
        }

        @Override
        public Schema outputSchema(Schema input) {
            return input;
        }

        @Override
        public void open(KeyedOperatorContext context) {}

        @Override
        public void process(Row row, Collector out) {
            permits.acquireUninterruptibly();
            out.collect(row);
        }
    }

    @Test
    void aSlowStageFillsTheExchangeToItsCapacityPausesTheSourcesAndRecovers(EmbeddedServers servers) {
        long records = 200_000;
        KeyedScenario scenario = KeyedScenario.produce(servers, "backpressure", records);
        KeyedScenario.Run run = scenario.run("backpressure");
        FloeConfig config = new ConfigLoader(Sinks.installed(), System::getenv, 2).load(run.config);
        PipelineConfig pipeline = config.pipelines().get(0);
        Semaphore permits = new Semaphore(0);
        PipelineDefinition definition = PipelineDefinition.builder(pipeline.id())
                .source(pipeline.source())
                .parallelism(2)
                .sink(pipeline.sink())
                .keyBy(KeySelectors.fields(List.of("customer_id")), () -> new Gated(permits))
                .build();

        try (FloeRuntime runtime =
                FloeRuntime.start(config, List.of(definition), Clock.systemUTC(), RunMode.UNTIL_END)) {
            try {
                stallThenRecover(runtime, permits, records);
            } finally {
                // whatever happened, a stalled stage must not keep the runtime from closing
                permits.release(Integer.MAX_VALUE / 2);
            }
        }
        long valid = scenario.expected.values().stream()
                .mapToLong(totals -> totals.get(0))
                .sum();
        assertThat(run.table.rows()).hasSize((int) valid);
    }

    private static void stallThenRecover(FloeRuntime runtime, Semaphore permits, long records) {
        Pipeline running = runtime.pipelines().get(0);
        // a source waiting on one full channel feeds no other: the sources stop before every channel is full
        await().atMost(Duration.ofMinutes(1))
                .until(() -> !running.backpressure().isZero());
        AtomicInteger samples = new AtomicInteger();
        long[] read = {running.recordsIn()};
        // while the stage is stalled the exchange stays within its capacity and the sources read nothing more
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    assertThat(running.exchangeQueued()).isLessThanOrEqualTo(running.exchangeCapacity());
                    long now = running.recordsIn();
                    boolean still = now == read[0];
                    read[0] = now;
                    return still && samples.incrementAndGet() >= 5;
                });
        assertThat(running.recordsIn())
                .as("the sources paused far from the end")
                .isLessThan(records / 2);
        assertThat(running.exchangeQueued()).isPositive();

        permits.release(Integer.MAX_VALUE / 2);

        assertThat(runtime.terminated()).succeedsWithin(Duration.ofMinutes(2));
        assertThat(running.state()).isEqualTo(Pipeline.State.STOPPED);
    }
}
