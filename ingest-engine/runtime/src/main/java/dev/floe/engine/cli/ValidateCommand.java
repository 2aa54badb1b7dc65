package dev.floe.engine.cli;

import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.config.PipelineConfig;
import dev.floe.engine.source.PartitionDiscovery;
import dev.floe.engine.spi.config.ConfigException;
import dev.floe.engine.spi.sink.Sink;
import dev.floe.engine.spi.sink.SinkContext;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.registry.HttpSchemaRegistryClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code floe validate}: checks a config file without starting anything, and with {@code --connect}
 * that what it names answers.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Checks a config file and prints every problem at once (file, line, key path); starts nothing.",
            "With --connect, also checks that Kafka, the schema registry and each pipeline's catalog answer,",
            "that the topics exist, and that the registry has a value subject for each topic.",
            "Exit codes: 0 valid, 1 a --connect check failed, 2 the file has problems."
        })
public final class ValidateCommand implements Callable<Integer> {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "FILE",
            description = "The config file (YAML); see docs/configuration.md")
    Path config;

    @Option(names = "--connect", description = "Also connect to Kafka, the registry and the catalogs")
    boolean connect;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FloeConfig loaded;
        try {
            loaded = RunCommand.Configs.load(config);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return FloeCli.EXIT_USAGE;
        }
        out.println(config + ": valid, " + loaded.pipelines().size()
                + (loaded.pipelines().size() == 1 ? " pipeline" : " pipelines"));
        if (!connect) {
            out.flush();
            return 0;
        }
        List<String> failures = new ArrayList<>();
        checkKafka(loaded, out, failures);
        checkRegistry(loaded, out, failures);
        checkSinks(loaded, out, failures);
        failures.forEach(failure -> err.println("  FAILED " + failure));
        out.println(failures.isEmpty() ? "Every check passed" : failures.size() + " checks failed");
        out.flush();
        err.flush();
        return failures.isEmpty() ? 0 : FloeCli.EXIT_FAILURE;
    }

    private static void checkKafka(FloeConfig config, PrintWriter out, List<String> failures) {
        Map<String, String> properties = new HashMap<>(config.kafka().properties());
        properties.put("bootstrap.servers", config.kafka().bootstrapServers());
        try (PartitionDiscovery discovery = new PartitionDiscovery(properties, TIMEOUT)) {
            for (PipelineConfig pipeline : config.pipelines()) {
                String what = "kafka: pipeline " + pipeline.id() + " reads "
                        + pipeline.source().describe();
                try {
                    List<SourcePartition> partitions = discovery.partitions(pipeline.source());
                    if (partitions.isEmpty()) {
                        failures.add(what + ": no topic matches");
                    } else {
                        out.println("  ok " + what + " (" + partitions.size() + " partitions)");
                    }
                } catch (RuntimeException e) {
                    failures.add(what + ": " + e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            failures.add("kafka at " + config.kafka().bootstrapServers() + ": " + e.getMessage());
        }
    }

    private static void checkRegistry(FloeConfig config, PrintWriter out, List<String> failures) {
        try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(config.registry())) {
            Set<String> subjects = new LinkedHashSet<>(registry.subjects());
            out.println("  ok schema registry " + config.registry().urls() + " (" + subjects.size() + " subjects)");
            for (PipelineConfig pipeline : config.pipelines()) {
                for (String topic : pipeline.source().topics()) {
                    String subject = topic + "-value";
                    if (subjects.contains(subject)) {
                        out.println("  ok schema registry: subject " + subject + " of pipeline " + pipeline.id());
                    } else {
                        // records carry their schema id, so another subject naming strategy still works
                        out.println("  warning schema registry: no subject " + subject + " for topic " + topic
                                + " of pipeline " + pipeline.id() + " (fine if producers use another subject"
                                + " strategy; records are decoded by the schema id they carry)");
                    }
                }
            }
        } catch (RuntimeException e) {
            failures.add("schema registry " + config.registry().urls() + ": " + e.getMessage());
        }
    }

    private static void checkSinks(FloeConfig config, PrintWriter out, List<String> failures) {
        for (PipelineConfig pipeline : config.pipelines()) {
            String what = "sink: pipeline " + pipeline.id() + " writes "
                    + pipeline.sink().describe();
            try (Sink sink = pipeline.sink().open(new SinkContext(pipeline.id(), 1))) {
                String committed = sink.committed()
                        .map(position -> "holds checkpoint " + position.checkpointId() + " of the pipeline")
                        .orElse("holds nothing of the pipeline yet");
                out.println("  ok " + what + " (" + committed + ")");
            } catch (RuntimeException e) {
                failures.add(what + ": " + e.getMessage());
            }
        }
    }
}
