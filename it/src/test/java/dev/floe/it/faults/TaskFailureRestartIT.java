package dev.floe.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.api.PipelineDefinition;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.config.PipelineConfig;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.pipeline.PipelineSupervisor;
import dev.floe.engine.pipeline.RestartStrategy;
import dev.floe.engine.pipeline.RunMode;
import dev.floe.engine.spi.dataflow.Collector;
import dev.floe.engine.spi.dataflow.Operator;
import dev.floe.engine.spi.row.Row;
import dev.floe.iceberg.CatalogConfig;
import dev.floe.it.exactlyonce.TableProbe;
import dev.floe.it.servers.EmbeddedServers;
import dev.floe.it.servers.EmbeddedServersExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.iceberg.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A failing task restarts its pipeline from the last checkpoint; a fatal failure does not. */
@ExtendWith(EmbeddedServersExtension.class)
class TaskFailureRestartIT {
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    /** Throws on one order the first {@code failures} times it sees it: a transient bug. */
    private static final class FailingOnce implements Operator {
        private final long orderId;
        private final AtomicInteger failures;

        FailingOnce(long orderId, AtomicInteger failures) {
            this.orderId = orderId;
            this.failures = failures;
        }

        @Override
        public Schema outputSchema(Schema input) {
            return input;
        }

        @Override
        public void process(Row row, Collector out) {
            if (row.getLong(0) == orderId && failures.getAndDecrement() > 0) {
                throw new IllegalStateException("a task failed on order " + orderId);
            }
            out.collect(row);
        }
    }

    /** A pipeline of its own over {@code topic}: its config and its table. */
    private record Setup(FloeConfig config, TableProbe table) {}

    private static Setup setup(EmbeddedServers servers, String name, String topic, String extra) {
        Path directory = servers.newDirectory(name);
        CatalogConfig catalog = new CatalogConfig(
                "it",
                "jdbc",
                "jdbc:sqlite:" + directory.resolve("catalog.db"),
                directory.resolve("warehouse").toUri().toString(),
                Map.of());
        FloeConfig config = new ConfigLoader(Sinks.installed(), variable -> null, 2)
                .parse(name + ".yaml", """
                        kafka:
                          bootstrapServers: %s
                        schemaRegistry:
                          url: %s
                        catalog:
                          name: it
                          type: jdbc
                          uri: %s
                          warehouse: %s
                        checkpoints:
                          interval: 1s
                          storage: %s
                        pipelines:
                          - id: %s
                            parallelism: 2
                        %s
                            source:
                              topics: [%s]
                            sink:
                              table: it.%s
                        """.formatted(
                                servers.broker().bootstrapServers(),
                                servers.registry().url(),
                                catalog.uri(),
                                catalog.warehouse(),
                                directory.resolve("checkpoints"),
                                name,
                                extra,
                                topic,
                                name.replace('-', '_')));
        return new Setup(config, new TableProbe(catalog, "it." + name.replace('-', '_')));
    }

    private static void produce(EmbeddedServers servers, String topic, long records, double malformed) {
        try (OrdersGenerator generator = OrdersGenerator.start(OrdersGeneratorSettings.of(
                        servers.broker().bootstrapServers(), servers.registry().url(), topic)
                .withMalformedFraction(malformed))) {
            generator.produce(records);
        }
    }

    @Test
    void aTaskThatFailsOnceRestartsFromTheLastCheckpointAndEndsExact(EmbeddedServers servers) {
        produce(servers, "restart-orders", 3_000, 0);
        Setup setup = setup(servers, "restart", "restart-orders", "");
        AtomicInteger failures = new AtomicInteger(1);
        PipelineConfig pipeline = setup.config().pipelines().get(0);
        PipelineDefinition definition = PipelineDefinition.builder(pipeline.id())
                .source(pipeline.source())
                .parallelism(2)
                .sink(pipeline.sink())
                .operator(() -> new FailingOnce(1_500, failures))
                .restartStrategy(
                        new RestartStrategy(3, Duration.ofMinutes(1), Duration.ofMillis(100), Duration.ofSeconds(1)))
                .build();

        try (FloeRuntime runtime =
                FloeRuntime.start(setup.config(), List.of(definition), Clock.systemUTC(), RunMode.UNTIL_END)) {
            assertThat(runtime.terminated()).succeedsWithin(PATIENCE);
            PipelineSupervisor supervisor = runtime.supervisors().get(0);
            assertThat(supervisor.restarts()).isEqualTo(1);
            assertThat(supervisor.current().state()).isEqualTo(Pipeline.State.STOPPED);
        }
        assertThat(failures.get())
                .as("the order that failed was processed again")
                .isNegative();
        List<Long> ids = setup.table().longColumn("order_id");
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids))
                .isEqualTo(LongStream.rangeClosed(1, 3_000).boxed().collect(Collectors.toSet()));
    }

    @Test
    void aFatalFailureStopsThePipelineWithoutARestart(EmbeddedServers servers) {
        produce(servers, "fatal-orders", 2_000, 0.01);
        Setup setup = setup(servers, "fatal", "fatal-orders", "    onError: fail");

        try (FloeRuntime runtime = FloeRuntime.start(setup.config(), Clock.systemUTC())) {
            await().atMost(PATIENCE).until(() -> runtime.terminated().isDone());
            PipelineSupervisor supervisor = runtime.supervisors().get(0);
            assertThat(supervisor.restarts()).isZero();
            assertThat(supervisor.current().state()).isEqualTo(Pipeline.State.FAILED);
            assertThat(supervisor.current().failureCause())
                    .hasMessageContaining("Cannot ingest the record at fatal-orders-")
                    .hasMessageContaining("(onError: fail)");
        }
    }
}
