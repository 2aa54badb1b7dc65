package dev.floe.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.spi.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A routed table's template ({@code sink.table: raw.${topic}}) as the distribution loads it: its
 * placeholders are the router's, not environment variables, which other keys still take.
 */
class RoutedTableConfigTest {
    private static final String CONFIG = """
            kafka:
              bootstrapServers: ${KAFKA}
            schemaRegistry:
              url: http://localhost:8081
            catalog:
              type: jdbc
              uri: jdbc:sqlite:/tmp/catalog.db
            pipelines:
              - id: routed
                source:
                  topics: [orders, clicks]
                sink:
                  table: %s
            """;

    private static FloeConfig parse(String table, Map<String, String> environment) {
        return new ConfigLoader(Sinks.installed(), environment::get, 1).parse("floe.yaml", CONFIG.formatted(table));
    }

    @Test
    void aTableTemplateKeepsItsPlaceholdersForTheRouter() {
        FloeConfig config = parse("raw.${topic}_${country}", Map.of("KAFKA", "broker:9092", "topic", "set"));

        assertThat(config.kafka().bootstrapServers()).isEqualTo("broker:9092");
        assertThat(config.pipelines().get(0).sink().describe()).contains("raw.${topic}_${country}");
    }

    @Test
    void otherKeysStillRefuseAnUnsetVariable() {
        assertThatThrownBy(() -> parse("raw.${topic}", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.bootstrapServers: variable ${KAFKA} is not set");
    }
}
