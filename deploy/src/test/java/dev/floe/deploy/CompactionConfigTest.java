package dev.floe.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.compaction.CompactionDefinition;
import dev.floe.compaction.CompactionPolicy;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.spi.config.ConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The compaction section as the distribution loads it: with the installed sink and services. */
class CompactionConfigTest {
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

    private static CompactionDefinition compaction(FloeConfig config) {
        return config.services().stream()
                .filter(CompactionDefinition.class::isInstance)
                .map(CompactionDefinition.class::cast)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void tablePoliciesAreReadWithTheSinksCatalog() {
        FloeConfig config = parse(BASE + """
                compaction:
                  enabled: true
                  checkInterval: 30s
                  tables:
                    - table: sales.orders
                      targetFileSize: 64MB
                      triggerDeleteFilePercent: 20
                      skipPartitions: [region=eu]
                      snapshotRetention: 2h
                """);

        CompactionDefinition compaction = compaction(config);
        CompactionPolicy policy = compaction.policy("sales.orders");
        assertThat(compaction.runsInBackground()).isTrue();
        assertThat(compaction.checkInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(compaction.catalog().type()).isEqualTo("jdbc");
        assertThat(compaction.catalog().uri()).isEqualTo("jdbc:sqlite:/tmp/catalog.db");
        assertThat(policy.targetFileSize()).isEqualTo(64L * 1024 * 1024);
        assertThat(policy.smallFileSize()).isEqualTo(48L * 1024 * 1024);
        assertThat(policy.triggerDeleteFileRatio()).isEqualTo(0.2);
        assertThat(policy.skipPartitions()).containsExactly("region=eu");
        assertThat(policy.snapshotRetention()).isEqualTo(Duration.ofHours(2));
        assertThat(compaction.policy("sales.other")).isEqualTo(CompactionPolicy.defaults());
    }

    @Test
    void withoutACompactionSectionNothingRunsInTheBackground() {
        assertThat(compaction(parse(BASE)).runsInBackground()).isFalse();
    }

    @Test
    void everyProblemOfTheSectionIsReportedAtOnce() {
        assertThatThrownBy(() -> parse(BASE + """
                        compaction:
                          enabled: true
                          tables:
                            - table: sales.orders
                              targetFilesize: 64MB
                            - table: sales.other
                              targetFileSize: 16MB
                              smallFileSize: 32MB
                              orphanAge: 5m
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("compaction.tables[0].targetFilesize")
                .hasMessageContaining("did you mean 'targetFileSize'")
                .hasMessageContaining("compaction.tables[1].smallFileSize")
                .hasMessageContaining("at most targetFileSize")
                .hasMessageContaining("compaction.tables[1].orphanAge");
    }

    @Test
    void enabledCompactionWithoutTablesIsRefused() {
        assertThatThrownBy(() -> parse(BASE + "compaction:\n  enabled: true\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("compaction.tables")
                .hasMessageContaining("at least one table");
    }
}
