package dev.floe.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.api.PipelineDefinition;
import dev.floe.engine.spi.config.ConfigException;
import dev.floe.engine.spi.config.ConfigProblem;
import dev.floe.engine.spi.config.DataSize;
import dev.floe.engine.testing.TestingSinkProvider;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateConfigTest {
    private static final String FILE = """
            kafka: {bootstrapServers: k:9092}
            schemaRegistry: {url: http://registry:8081}
            store: {location: x}
            pipelines:
              - id: totals
                source: {topics: [orders]}
                sink: {table: t}
            %s
            """;

    private static FloeConfig parse(String state) {
        return new ConfigLoader(new TestingSinkProvider(), name -> null, 2).parse("floe.yaml", FILE.formatted(state));
    }

    @Test
    void aPipelineKeepsItsKeyedStateInRocksDbUnlessItSaysOtherwise() {
        PipelineConfig pipeline = parse("").pipelines().get(0);

        assertThat(pipeline.state()).isEqualTo(StateConfig.defaults());
        assertThat(pipeline.state().backend()).isEqualTo(StateConfig.Backend.ROCKSDB);
        assertThat(pipeline.state().memory()).isEqualTo(DataSize.ofMegabytes(256));
        assertThat(pipeline.state().writeBuffer()).isEqualTo(DataSize.ofMegabytes(8));
        assertThat(pipeline.state().cache()).isEqualTo(DataSize.ofMegabytes(16));
        assertThat(pipeline.state().directory()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "floe-state"));
        assertThat(PipelineDefinition.of(pipeline).state()).isEqualTo(pipeline.state());
    }

    @Test
    void readsTheBackendItsMemoryAndItsDirectory() {
        PipelineConfig heap = parse("    state: {backend: heap}").pipelines().get(0);
        PipelineConfig rocks = parse(
                        "    state: {backend: rocksdb, memory: 1GB, writeBuffer: 16MB, cache: 4MB, directory: /mnt/ssd/floe}")
                .pipelines()
                .get(0);

        assertThat(heap.state().backend()).isEqualTo(StateConfig.Backend.HEAP);
        assertThat(rocks.state())
                .isEqualTo(new StateConfig(
                        StateConfig.Backend.ROCKSDB,
                        DataSize.ofMegabytes(1024),
                        Path.of("/mnt/ssd/floe"),
                        DataSize.ofMegabytes(16),
                        DataSize.ofMegabytes(4)));
    }

    @Test
    void reportsAnUnknownBackendAndTooLittleMemoryWithTheirKeyPaths() {
        assertThatThrownBy(
                        () -> parse("    state: {backend: leveldb, memory: 1MB, writeBuffer: 64KB, directroy: /tmp}"))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems().stream()
                                        .map(ConfigProblem::toString)
                                        .toList())
                                .contains(
                                        "floe.yaml:8: pipelines[0].state.backend: expected one of rocksdb, heap, got 'leveldb'",
                                        "floe.yaml:8: pipelines[0].state.memory: expected at least 16MB, got 1MB",
                                        "floe.yaml:8: pipelines[0].state.writeBuffer: expected at least 1MB, got 64KB",
                                        "floe.yaml:8: pipelines[0].state.directroy: unknown key 'directroy'; did you mean"
                                                + " 'directory'?"));
    }

    @Test
    void refusesLessMemoryThanRocksDbNeeds() {
        assertThatThrownBy(() -> StateConfig.defaults().withMemory(DataSize.ofMegabytes(8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("state memory must be at least 16MB: 8MB");
        assertThat(List.of(StateConfig.Backend.values())).hasSize(2);
    }
}
