package dev.floe.it.keyed;

import dev.floe.engine.FloeRuntime;
import dev.floe.engine.api.PipelineDefinition;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.config.PipelineConfig;
import dev.floe.engine.dataflow.KeySelectors;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.pipeline.RunMode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A program embedding Floe, as a user would: the config file's one pipeline, keyed by customer
 * into {@link CustomerTotals}. Tests start it as its own process so they can kill it. Arguments: the
 * config file, the parallelism, and {@code until-end} or {@code continuous}.
 */
public final class KeyedPipelineMain {
    private KeyedPipelineMain() {}

    public static void main(String[] args) {
        FloeConfig config = new ConfigLoader(Sinks.installed(), System::getenv, 2).load(Path.of(args[0]));
        int parallelism = Integer.parseInt(args[1]);
        RunMode mode = args[2].equals("until-end") ? RunMode.UNTIL_END : RunMode.CONTINUOUS;
        PipelineConfig pipeline = config.pipelines().get(0);
        PipelineDefinition definition = PipelineDefinition.builder(pipeline.id())
                .source(pipeline.source())
                .parallelism(parallelism)
                .deadLetterTopic(pipeline.deadLetterTopic())
                .sink(pipeline.sink())
                .keyBy(KeySelectors.fields(List.of("customer_id")), CustomerTotals::new)
                .build();
        try (FloeRuntime runtime = FloeRuntime.start(config, List.of(definition), Clock.systemUTC(), mode)) {
            runtime.terminated().join();
            boolean stopped = runtime.pipelines().stream().allMatch(p -> p.state() == Pipeline.State.STOPPED);
            runtime.stop(Duration.ofSeconds(30));
            System.exit(stopped ? 0 : 1);
        }
    }
}
