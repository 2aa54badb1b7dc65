package dev.floe.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.spi.config.ConfigException;
import dev.floe.engine.spi.config.ConfigProblem;
import dev.floe.engine.testing.TestingSinkProvider;
import dev.floe.registry.RegistryCredentials;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private static final String VALID = """
            kafka:
              bootstrapServers: localhost:9092
              properties:
                security.protocol: PLAINTEXT
            schemaRegistry:
              url: [http://registry-a:8081, http://registry-b:8081]
              user: floe
              password: ${REGISTRY_PASSWORD}
            checkpoints:
              interval: 5s
              storage: /var/lib/floe/checkpoints
            store:
              location: somewhere
            pipelines:
              - id: orders
                parallelism: 3
                source:
                  topics: [orders, orders-eu]
                  startFrom: latest
                sink:
                  table: demo.orders
              - id: clicks
                onError: fail
                source:
                  topics: clicks
                deadLetter:
                  topic: clicks-rejected
                sink:
                  table: demo.clicks
            """;

    private static ConfigLoader loader(Map<String, String> variables) {
        return new ConfigLoader(new TestingSinkProvider(), variables::get, 2);
    }

    @Test
    void readsEveryKeyOfAValidFile() {
        FloeConfig config = loader(Map.of("REGISTRY_PASSWORD", "s3cret")).parse("floe.yaml", VALID);

        assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.kafka().properties()).containsEntry("security.protocol", "PLAINTEXT");
        assertThat(config.registry().urls()).hasSize(2);
        assertThat(config.registry().credentials()).isEqualTo(new RegistryCredentials.Basic("floe", "s3cret"));
        assertThat(config.checkpoints().interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.checkpoints().retained()).isEqualTo(3);
        assertThat(config.pipelines()).hasSize(2);
        PipelineConfig orders = config.pipelines().get(0);
        assertThat(orders.id()).isEqualTo("orders");
        assertThat(orders.parallelism()).isEqualTo(3);
        assertThat(orders.source().topics()).containsExactly("orders", "orders-eu");
        assertThat(orders.source().startFrom()).isEqualTo(EngineOptions.StartPosition.LATEST);
        assertThat(orders.source().groupId()).isEqualTo("floe-orders");
        assertThat(orders.deadLetterTopic()).isEqualTo("orders.dead-letters");
        assertThat(orders.onError()).isEqualTo(EngineOptions.OnError.DEAD_LETTER);
        assertThat(orders.sink().describe()).isEqualTo("test table demo.orders");
        PipelineConfig clicks = config.pipelines().get(1);
        assertThat(clicks.parallelism()).as("default parallelism").isEqualTo(2);
        assertThat(clicks.source().topics()).containsExactly("clicks");
        assertThat(clicks.onError()).isEqualTo(EngineOptions.OnError.FAIL);
        assertThat(clicks.deadLetterTopic()).isEqualTo("clicks-rejected");
    }

    @Test
    void reportsEveryProblemAtOnceWithFileLineAndKeyPath() {
        String broken = """
                kafka:
                  bootstrapServer: localhost:9092
                schemaRegistry:
                  url: http://registry:8081
                  requestTimeout: soon
                checkpoints:
                  interval: 500ms
                store:
                  location: x
                pipelines:
                  - id: Orders!
                    parallelism: 0
                    source:
                      topics: [orders]
                    sink:
                      table: t
                """;

        assertThatThrownBy(() -> loader(Map.of()).parse("floe.yaml", broken))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    List<String> problems =
                            e.problems().stream().map(ConfigProblem::toString).toList();
                    assertThat(problems)
                            .contains(
                                    "floe.yaml:2: kafka.bootstrapServer: unknown key 'bootstrapServer'; did you mean"
                                            + " 'bootstrapServers'?",
                                    "floe.yaml:2: kafka.bootstrapServers: missing required key: Kafka bootstrap"
                                            + " servers, host:port[,host:port...]",
                                    "floe.yaml:5: schemaRegistry.requestTimeout: expected a duration such as 500ms,"
                                            + " 10s, 5m, 2h or 7d, got 'soon'",
                                    "floe.yaml:7: checkpoints.interval: expected at least 1s, got PT0.5S",
                                    "floe.yaml:11: pipelines[0].id: expected lower-case letters, digits, '-' and '_',"
                                            + " got Orders!",
                                    "floe.yaml:12: pipelines[0].parallelism: expected between 1 and 1024, got 0");
                    assertThat(e.getMessage()).startsWith("Cannot load config: 6 problems");
                });
    }

    @Test
    void refusesAVariableThatIsNotSetAndUsesADefaultWhenGiven() {
        String text = VALID.replace("${REGISTRY_PASSWORD}", "${REGISTRY_PASSWORD}")
                .replace("localhost:9092", "${KAFKA:-broker:9092}");

        assertThatThrownBy(() -> loader(Map.of()).parse("floe.yaml", text))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("floe.yaml:8: schemaRegistry.password: variable ${REGISTRY_PASSWORD} is not set");
        FloeConfig config = loader(Map.of("REGISTRY_PASSWORD", "p")).parse("floe.yaml", text);
        assertThat(config.kafka().bootstrapServers()).isEqualTo("broker:9092");
    }

    @Test
    void refusesDuplicatePipelineIdsAndMissingSections() {
        String text = """
                kafka: {bootstrapServers: k:9092}
                store: {location: x}
                pipelines:
                  - {id: a, source: {topics: [t]}, sink: {table: x}}
                  - {id: a, source: {topics: [t]}, sink: {table: y}}
                """;

        assertThatThrownBy(() -> loader(Map.of()).parse("floe.yaml", text))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .extracting(ConfigProblem::message)
                                .contains(
                                        "pipeline id 'a' is used twice",
                                        "missing required key: The Confluent-API schema registry that frames every record"));
    }

    @Test
    void refusesSourcesThatAreAmbiguousOrIncomplete() {
        String text = """
                kafka: {bootstrapServers: k:9092}
                schemaRegistry: {url: http://r:8081}
                store: {location: x}
                pipelines:
                  - {id: both, source: {topics: [t], topicPattern: "t.*"}, sink: {table: x}}
                  - {id: bad-pattern, source: {topicPattern: "t(("}, sink: {table: x}}
                  - {id: no-time, source: {topics: [t], startFrom: timestamp}, sink: {table: x}}
                  - {id: bad-offsets, source: {topics: [t], startFrom: offsets, startOffsets: {"t": 5}}, sink: {table: x}}
                """;

        assertThatThrownBy(() -> loader(Map.of()).parse("floe.yaml", text))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .extracting(ConfigProblem::toString)
                                .contains(
                                        "floe.yaml:5: pipelines[0].source.topics: set either topics or topicPattern",
                                        "floe.yaml:6: pipelines[1].source.topicPattern: invalid regular expression: Unclosed group",
                                        "floe.yaml:7: pipelines[2].source.startTimestamp: startFrom: timestamp needs a startTimestamp",
                                        "floe.yaml:8: pipelines[3].source.startOffsets: expected \"topic:partition\": offset, got \"t\": 5"));
    }

    @Test
    void sendsDeadLettersToATableInsteadOfATopic() {
        String text = """
                kafka: {bootstrapServers: k:9092}
                schemaRegistry: {url: http://r:8081}
                store: {location: x}
                pipelines:
                  - {id: a, source: {topics: [t]}, deadLetter: {table: quarantine.a}, sink: {table: x}}
                """;

        PipelineConfig pipeline =
                loader(Map.of()).parse("floe.yaml", text).pipelines().get(0);

        assertThat(pipeline.deadLetterTable()).isEqualTo("quarantine.a");
        assertThat(pipeline.deadLetterTopic()).isNull();
    }

    @Test
    void refusesADeadLetterTopicAndTableTogetherAndATableWithoutNamespace() {
        String text = """
                kafka: {bootstrapServers: k:9092}
                schemaRegistry: {url: http://r:8081}
                store: {location: x}
                pipelines:
                  - {id: a, source: {topics: [t]}, deadLetter: {topic: a.dl, table: quarantine.a}, sink: {table: x}}
                  - {id: b, source: {topics: [t]}, deadLetter: {table: letters}, sink: {table: y}}
                """;

        assertThatThrownBy(() -> loader(Map.of()).parse("floe.yaml", text))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .extracting(ConfigProblem::toString)
                                .anySatisfy(problem -> assertThat(problem)
                                        .startsWith("floe.yaml:5: pipelines[0].deadLetter.table: set either topic or"
                                                + " table, not both"))
                                .anySatisfy(problem -> assertThat(problem)
                                        .startsWith("floe.yaml:6: pipelines[1].deadLetter.table:")
                                        .contains("a table name with its namespace")));
    }

    @Test
    void pointsAtTheLineOfInvalidYaml() {
        assertThatThrownBy(() -> loader(Map.of()).parse("floe.yaml", "kafka:\n  a: [1, 2\nb: c\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("floe.yaml:")
                .hasMessageContaining("invalid YAML");
    }

    private static String changes(String sink, String mapping) {
        return """
                kafka:
                  bootstrapServers: localhost:9092
                schemaRegistry:
                  url: http://registry:8081
                store:
                  location: x
                pipelines:
                  - id: customers
                    source:
                      topics: [shop.public.customers]
                      format: debezium
                """ + mapping + "    sink:\n      table: shop.customers\n" + sink;
    }

    @Test
    void debeziumChangeEventsNeedASinkThatAppliesDeletesAndNoKeyedStage() {
        FloeConfig config = loader(Map.of()).parse("floe.yaml", changes("      deletes: true\n", ""));
        assertThat(config.pipelines().get(0).source().format()).isEqualTo(EngineOptions.SourceFormat.DEBEZIUM);
        assertThat(loader(Map.of("REGISTRY_PASSWORD", "s3cret"))
                        .parse("floe.yaml", VALID)
                        .pipelines()
                        .get(0)
                        .source()
                        .format())
                .isEqualTo(EngineOptions.SourceFormat.AVRO);

        assertThatThrownBy(() -> loader(Map.of()).parse("floe.yaml", changes("", "")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .extracting(ConfigProblem::toString)
                                .containsExactly(
                                        "floe.yaml:11: pipelines[0].source.format: format debezium needs a sink that"
                                                + " applies deletes (sink.mode: upsert); test table shop.customers does not"));
        String window = """
                    eventTime: {field: ts}
                    window: {type: tumbling, size: 1m, keyBy: [id], aggregates: [{name: n, function: count}]}
                """;
        assertThatThrownBy(() -> loader(Map.of()).parse("floe.yaml", changes("      deletes: true\n", window)))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .extracting(ConfigProblem::toString)
                                .containsExactly(
                                        "floe.yaml:11: pipelines[0].source.format: format debezium cannot feed a"
                                                + " deduplicate or a window: their rows are not changes of a key"));
    }
}
