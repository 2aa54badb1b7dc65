package dev.floe.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.spi.config.ConfigException;
import org.junit.jupiter.api.Test;

/** A sink's commit policy ({@code sink.commit}) as the distribution loads it. */
class SinkCommitConfigTest {
    private static final String BASE = """
            kafka:
              bootstrapServers: localhost:9092
            schemaRegistry:
              url: http://localhost:8081
            catalog:
              type: jdbc
              uri: jdbc:sqlite:/tmp/catalog.db
            pipelines:
              - id: orders
                source:
                  topics: [orders]
                sink:
                  table: sales.orders
            """;

    private static FloeConfig parse(String yaml) {
        return new ConfigLoader(Sinks.installed(), name -> null, 1).parse("floe.yaml", yaml);
    }

    private static String sink(FloeConfig config) {
        return config.pipelines().get(0).sink().describe();
    }

    @Test
    void tablesAreCommittedAtEveryCheckpointByDefault() {
        assertThat(sink(parse(BASE))).isEqualTo("iceberg table floe.sales.orders");
        assertThat(sink(parse(BASE + "      commit: {every: checkpoint}\n")))
                .isEqualTo("iceberg table floe.sales.orders");
    }

    @Test
    void sizeOrAgeWhicheverComesFirst() {
        assertThat(sink(parse(BASE + "      commit: {minBytes: 128MB, maxAge: 5m}\n")))
                .isEqualTo("iceberg table floe.sales.orders, committed at 128MB or after 5m");
        assertThat(sink(parse(BASE + "      commit: {maxAge: 30s}\n")))
                .isEqualTo("iceberg table floe.sales.orders, committed after 30s");
    }

    @Test
    void aSizeWithoutAnAgeAndEveryCheckpointWithABoundAreRefused() {
        assertThatThrownBy(() -> parse(BASE + "      commit: {minBytes: 128MB}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pipelines[0].sink.commit.minBytes")
                .hasMessageContaining("minBytes needs maxAge too");
        assertThatThrownBy(() -> parse(BASE + "      commit: {every: checkpoint, maxAge: 5m}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pipelines[0].sink.commit.every")
                .hasMessageContaining("drop it to commit at minBytes or maxAge");
        assertThatThrownBy(() -> parse(BASE + "      commit: {every: hour}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pipelines[0].sink.commit.every");
    }
}
