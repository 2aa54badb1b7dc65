package dev.floe.engine.testing;

import dev.floe.engine.spi.config.ConfigOption;
import dev.floe.engine.spi.config.ConfigSection;
import dev.floe.engine.spi.config.ConfigSpec;
import dev.floe.engine.spi.sink.Sink;
import dev.floe.engine.spi.sink.SinkContext;
import dev.floe.engine.spi.sink.SinkDefinition;
import dev.floe.engine.spi.sink.SinkProvider;
import java.util.List;

/** A sink provider for config tests: a root section {@code store} and a sink key {@code table}. */
public final class TestingSinkProvider implements SinkProvider {
    public static final ConfigOption<String> LOCATION =
            ConfigOption.string("location").required().description("where the test store is");
    public static final ConfigOption<ConfigSection> STORE = ConfigOption.section(
                    "store", ConfigSpec.of("store", "a test store", List.of(LOCATION)))
            .required()
            .description("the test store");
    public static final ConfigOption<String> TABLE =
            ConfigOption.string("table").required().description("the test table");
    public static final ConfigOption<Boolean> DELETES = ConfigOption.of(
                    "deletes", dev.floe.engine.spi.config.ValueType.BOOLEAN)
            .defaultValue(false)
            .description("whether the test table applies deletes");

    @Override
    public String type() {
        return "iceberg";
    }

    @Override
    public List<ConfigOption<?>> rootOptions() {
        return List.of(STORE);
    }

    @Override
    public ConfigSpec sinkSpec() {
        return ConfigSpec.of("sink", "a test sink", List.of(TABLE, DELETES));
    }

    @Override
    public SinkDefinition configure(String pipelineId, ConfigSection root, ConfigSection sink) {
        String table = sink.get(TABLE);
        boolean deletes = sink.get(DELETES);
        return new SinkDefinition() {
            @Override
            public boolean appliesDeletes() {
                return deletes;
            }

            @Override
            public String describe() {
                return "test table " + table;
            }

            @Override
            public Sink open(SinkContext context) {
                throw new IllegalStateException("config tests open no sink");
            }
        };
    }
}
