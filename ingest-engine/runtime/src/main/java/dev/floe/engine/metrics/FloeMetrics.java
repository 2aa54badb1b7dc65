package dev.floe.engine.metrics;

import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.pipeline.PipelineSupervisor;
import dev.floe.engine.spi.sink.SourcePartition;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process's metrics in one Prometheus registry: every pipeline's {@link PipelineMetrics}, the
 * pipelines' state, lag and backpressure read at scrape time, and the JVM's.
 */
public final class FloeMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Clock clock;
    private final Map<String, PipelineMetrics> pipelines = new ConcurrentHashMap<>();
    private final MultiGauge lag;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final RocksDbMeters rocksDb;
    private volatile List<PipelineSupervisor> supervisors = List.of();

    public FloeMetrics(Clock clock) {
        this.clock = clock;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.lag = MultiGauge.builder("floe.consumer.lag")
                .description("Records a partition's read position is behind its end")
                .baseUnit("records")
                .register(registry);
        this.rocksDb = new RocksDbMeters(registry);
    }

    /** The metrics of pipeline {@code id}, created on first use. */
    public PipelineMetrics pipeline(String id) {
        return pipelines.computeIfAbsent(id, key -> new PipelineMetrics(key, registry, clock));
    }

    /**
     * Registers the meters read from the running pipelines: state, restarts, keyBy backpressure,
     * and (at scrape time) their RocksDB state's figures.
     */
    public void bind(List<PipelineSupervisor> supervisors) {
        this.supervisors = List.copyOf(supervisors);
        for (PipelineSupervisor supervisor : supervisors) {
            Tags tags = Tags.of("pipeline", supervisor.id());
            for (Pipeline.State state : Pipeline.State.values()) {
                Gauge.builder("floe.pipeline.state", supervisor, s -> isIn(s, state))
                        .description("1 for the state the pipeline is in, 0 for the others")
                        .tags(tags.and("state", state.name()))
                        .register(registry);
            }
            Gauge.builder("floe.pipeline.held", supervisor, s -> s.held() ? 1 : 0)
                    .description("1 while an operator paused the pipeline's sources through the API")
                    .tags(tags)
                    .register(registry);
            FunctionCounter.builder("floe.pipeline.restarts", supervisor, PipelineSupervisor::restarts)
                    .description("Restarts after a failure")
                    .tags(tags)
                    .register(registry);
            FunctionCounter.builder(
                            "floe.exchange.backpressure",
                            supervisor,
                            s -> s.current() == null
                                    ? 0
                                    : s.current().backpressure().toNanos() / 1e9)
                    .description("Seconds sources waited for a full keyBy exchange since the pipeline's last start")
                    .baseUnit("seconds")
                    .tags(tags)
                    .register(registry);
            Gauge.builder(
                            "floe.exchange.queued",
                            supervisor,
                            s -> s.current() == null ? 0 : s.current().exchangeQueued())
                    .description("Batches queued in the keyBy exchange")
                    .tags(tags)
                    .register(registry);
            Gauge.builder(
                            "floe.exchange.capacity",
                            supervisor,
                            s -> s.current() == null ? 0 : s.current().exchangeCapacity())
                    .description("Batches the keyBy exchange holds before its producers wait")
                    .tags(tags)
                    .register(registry);
        }
    }

    private static double isIn(PipelineSupervisor supervisor, Pipeline.State state) {
        Pipeline current = supervisor.current();
        return current != null && current.state() == state ? 1 : 0;
    }

    /** The metrics in Prometheus's text format, with the lag of every partition as of now. */
    public String scrape() {
        refreshLag();
        rocksDb.refresh(supervisors);
        return registry.scrape();
    }

    /** The metrics in the format an Accept header asks for (text or OpenMetrics). */
    public String scrape(String contentType) {
        refreshLag();
        rocksDb.refresh(supervisors);
        return registry.scrape(contentType);
    }

    private void refreshLag() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (PipelineMetrics pipeline : pipelines.values()) {
            for (SubtaskMetrics source : pipeline.sources()) {
                for (Map.Entry<SourcePartition, Long> entry : source.lag().entrySet()) {
                    rows.add(MultiGauge.Row.of(
                            Tags.of(
                                    "pipeline",
                                    pipeline.pipelineId(),
                                    "topic",
                                    entry.getKey().topic(),
                                    "partition",
                                    Integer.toString(entry.getKey().partition())),
                            entry.getValue()));
                }
            }
        }
        lag.register(rows, true);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
