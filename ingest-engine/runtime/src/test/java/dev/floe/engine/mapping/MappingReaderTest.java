package dev.floe.engine.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.spi.config.ConfigException;
import dev.floe.engine.testing.TestingSinkProvider;
import dev.floe.engine.transform.TransformStep;
import dev.floe.engine.window.AggregateSpec;
import dev.floe.engine.window.WindowSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MappingReaderTest {
    private static final String HEAD = """
            kafka:
              bootstrapServers: localhost:9092
            schemaRegistry:
              url: http://registry:8081
            store:
              location: somewhere
            pipelines:
              - id: revenue
                source:
                  topics: [orders]
                sink:
                  table: demo.revenue
            """;

    private static FloeConfig load(String pipelineYaml) {
        return new ConfigLoader(new TestingSinkProvider(), name -> null, 2).parse("floe.yaml", HEAD + pipelineYaml);
    }

    @Test
    void readsEventTimeTransformsAndAWindow() {
        FloeConfig config = load("""
                    eventTime:
                      field: event_time
                      maxOutOfOrderness: 5s
                      idleTimeout: 1m
                    transforms:
                      - filter: "quantity > 0"
                      - set:
                          total: "double(price) * double(quantity)"
                      - metadata: {topic: source_topic, timestamp: kafka_time}
                      - rename: {customer_id: customer}
                      - select: [customer, total, event_time, source_topic, kafka_time]
                    window:
                      type: tumbling
                      size: 1m
                      keyBy: [customer]
                      allowedLateness: 30s
                      aggregates:
                        - {name: orders, function: count}
                        - {name: revenue, function: sum, field: total}
                        - {name: sources, function: count-distinct, field: source_topic}
                """);

        MappingConfig mapping = config.pipelines().get(0).mapping();
        assertThat(mapping.eventTime().field()).isEqualTo("event_time");
        assertThat(mapping.eventTime().maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(mapping.transforms())
                .extracting(step -> step.getClass().getSimpleName())
                .containsExactly("Filter", "Compute", "AddMetadata", "Rename", "Select");
        assertThat(((TransformStep.Filter) mapping.transforms().get(0))
                        .location()
                        .toString())
                .isEqualTo("floe.yaml:18: pipelines[0].transforms[0].filter");
        WindowSpec window = mapping.window();
        assertThat(window.kind()).isEqualTo(WindowSpec.WindowKind.TUMBLING);
        assertThat(window.size()).isEqualTo(Duration.ofMinutes(1));
        assertThat(window.allowedLateness()).isEqualTo(Duration.ofSeconds(30));
        assertThat(window.updates()).isEqualTo(WindowSpec.UpdateMode.VERSION);
        assertThat(window.aggregates())
                .extracting(AggregateSpec::function)
                .containsExactly(
                        AggregateSpec.AggregateFunction.COUNT,
                        AggregateSpec.AggregateFunction.SUM,
                        AggregateSpec.AggregateFunction.COUNT_DISTINCT);
    }

    @Test
    void refusesAWindowWithoutEventTime() {
        assertThatThrownBy(() -> load("""
                    window:
                      type: tumbling
                      size: 1m
                      keyBy: [customer_id]
                      aggregates:
                        - {name: orders, function: count}
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("floe.yaml:14: pipelines[0].window: a window needs event time: add eventTime");
    }

    @Test
    void refusesAnExpressionThatDoesNotParseAndTwoTransformsInOneEntry() {
        assertThatThrownBy(() -> load("""
                    transforms:
                      - filter: "quantity > "
                      - drop: [coupon]
                        select: [order_id]
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("2 problems")
                .hasMessageContaining(
                        "floe.yaml:14: pipelines[0].transforms[0].filter: expression `quantity > ` does" + " not parse")
                .hasMessageContaining("pipelines[0].transforms[1].drop: a transform does one thing: select and drop"
                        + " go in two list entries");
    }

    @Test
    void refusesWindowsMissingWhatTheirTypeNeedsAndTwoKeyedSteps() {
        assertThatThrownBy(() -> load("""
                    eventTime: {field: event_time}
                    deduplicate: {key: [order_id], within: 1h}
                    window:
                      type: sliding
                      size: 1m
                      gap: 5m
                      keyBy: [customer_id]
                      aggregates:
                        - {name: revenue, function: sum}
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pipelines[0].window: a pipeline has one keyed step")
                .hasMessageContaining("pipelines[0].window.slide: a sliding window needs slide")
                .hasMessageContaining("pipelines[0].window.gap: a sliding window has no gap")
                .hasMessageContaining("pipelines[0].window.aggregates[0].field: sum needs a field");
    }

    @Test
    void refusesUnknownKeysAndMetadataWithASuggestion() {
        assertThatThrownBy(() -> load("""
                    transforms:
                      - metadata: {offset: source_offset, partitoin: p}
                      - fliter: "true"
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pipelines[0].transforms[0].metadata: 'partitoin' is not Kafka metadata")
                .hasMessageContaining(
                        "pipelines[0].transforms[1].fliter: unknown key 'fliter'; did you mean 'filter'?");
    }
}
