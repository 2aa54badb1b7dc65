package dev.floe.engine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.config.PipelineConfig;
import dev.floe.engine.source.PartitionDiscovery;
import dev.floe.engine.spi.config.ConfigException;
import dev.floe.engine.spi.config.ConfigProblem;
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
            "With --json, prints one JSON document instead: whether the file is valid, every problem",
            "(file, line, path, value, message) and, with --connect, each check's result.",
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

    @Option(names = "--json", description = "Print one JSON document (valid, problems, checks), for scripts")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** How one --connect check ended. */
    enum Status {
        OK,
        WARNING,
        FAILED
    }

    /**
     * One --connect check's result.
     *
     * @param target what was checked: {@code kafka}, {@code schema registry}, {@code sink}
     * @param message what was found, or why it failed
     */
    record Check(String target, Status status, String message) {}

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FloeConfig loaded;
        try {
            loaded = RunCommand.Configs.load(config);
        } catch (ConfigException e) {
            if (json) {
                print(out, invalid(e.problems()));
            } else {
                err.println(e.getMessage());
                err.flush();
            }
            return FloeCli.EXIT_USAGE;
        }
        List<Check> checks = new ArrayList<>();
        if (connect) {
            checkKafka(loaded, checks);
            checkRegistry(loaded, checks);
            checkSinks(loaded, checks);
        }
        long failed = checks.stream().filter(c -> c.status() == Status.FAILED).count();
        if (json) {
            print(out, valid(loaded, checks));
        } else {
            out.println(config + ": valid, " + loaded.pipelines().size()
                    + (loaded.pipelines().size() == 1 ? " pipeline" : " pipelines"));
            for (Check check : checks) {
                if (check.status() == Status.FAILED) {
                    err.println("  FAILED " + check.target() + check.message());
                } else {
                    out.println("  " + check.status().name().toLowerCase(java.util.Locale.ROOT) + " " + check.target()
                            + check.message());
                }
            }
            if (connect) {
                out.println(failed == 0 ? "Every check passed" : failed + " checks failed");
            }
        }
        out.flush();
        err.flush();
        return failed == 0 ? 0 : FloeCli.EXIT_FAILURE;
    }

    private ObjectNode invalid(List<ConfigProblem> problems) {
        ObjectNode document = new ObjectMapper().createObjectNode();
        document.put("config", config.toString()).put("valid", false);
        ArrayNode array = document.putArray("problems");
        for (ConfigProblem problem : problems) {
            ObjectNode item = array.addObject()
                    .put("file", problem.file())
                    .put("line", problem.line())
                    .put("path", problem.path());
            if (!problem.value().isEmpty()) {
                item.put("value", problem.value());
            }
            item.put("message", problem.message());
        }
        return document;
    }

    private ObjectNode valid(FloeConfig loaded, List<Check> checks) {
        ObjectNode document = new ObjectMapper().createObjectNode();
        document.put("config", config.toString()).put("valid", true);
        document.putArray("problems");
        ArrayNode pipelines = document.putArray("pipelines");
        loaded.pipelines().forEach(pipeline -> pipelines.add(pipeline.id()));
        if (connect) {
            ArrayNode array = document.putArray("checks");
            for (Check check : checks) {
                array.addObject()
                        .put("target", check.target())
                        .put("status", check.status().name())
                        // the text form's message starts with ": " or " " after the target
                        .put("message", check.message().replaceFirst("^:? ", ""));
            }
        }
        return document;
    }

    private static void print(PrintWriter out, ObjectNode document) {
        try {
            out.println(new ObjectMapper().writeValueAsString(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the validation result as JSON", e);
        }
        out.flush();
    }

    private static void checkKafka(FloeConfig config, List<Check> checks) {
        Map<String, String> properties = new HashMap<>(config.kafka().properties());
        properties.put("bootstrap.servers", config.kafka().bootstrapServers());
        try (PartitionDiscovery discovery = new PartitionDiscovery(properties, TIMEOUT)) {
            for (PipelineConfig pipeline : config.pipelines()) {
                String what = ": pipeline " + pipeline.id() + " reads "
                        + pipeline.source().describe();
                try {
                    List<SourcePartition> partitions = discovery.partitions(pipeline.source());
                    if (partitions.isEmpty()) {
                        checks.add(new Check("kafka", Status.FAILED, what + ": no topic matches"));
                    } else {
                        checks.add(new Check("kafka", Status.OK, what + " (" + partitions.size() + " partitions)"));
                    }
                } catch (RuntimeException e) {
                    checks.add(new Check("kafka", Status.FAILED, what + ": " + e.getMessage()));
                }
            }
        } catch (RuntimeException e) {
            checks.add(new Check(
                    "kafka", Status.FAILED, " at " + config.kafka().bootstrapServers() + ": " + e.getMessage()));
        }
    }

    private static void checkRegistry(FloeConfig config, List<Check> checks) {
        try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(config.registry())) {
            Set<String> subjects = new LinkedHashSet<>(registry.subjects());
            checks.add(new Check(
                    "schema registry",
                    Status.OK,
                    " " + config.registry().urls() + " (" + subjects.size() + " subjects)"));
            for (PipelineConfig pipeline : config.pipelines()) {
                for (String topic : pipeline.source().topics()) {
                    String subject = topic + "-value";
                    if (subjects.contains(subject)) {
                        checks.add(new Check(
                                "schema registry",
                                Status.OK,
                                ": subject " + subject + " of pipeline " + pipeline.id()));
                    } else {
                        // records carry their schema id, so another subject naming strategy still works
                        checks.add(new Check(
                                "schema registry",
                                Status.WARNING,
                                ": no subject " + subject + " for topic " + topic + " of pipeline " + pipeline.id()
                                        + " (fine if producers use another subject strategy; records are decoded"
                                        + " by the schema id they carry)"));
                    }
                }
            }
        } catch (RuntimeException e) {
            checks.add(new Check(
                    "schema registry", Status.FAILED, " " + config.registry().urls() + ": " + e.getMessage()));
        }
    }

    private static void checkSinks(FloeConfig config, List<Check> checks) {
        for (PipelineConfig pipeline : config.pipelines()) {
            String what =
                    ": pipeline " + pipeline.id() + " writes " + pipeline.sink().describe();
            try (Sink sink = pipeline.sink().open(new SinkContext(pipeline.id(), 1))) {
                String committed = sink.committed()
                        .map(position -> "holds checkpoint " + position.checkpointId() + " of the pipeline")
                        .orElse("holds nothing of the pipeline yet");
                checks.add(new Check("sink", Status.OK, what + " (" + committed + ")"));
            } catch (RuntimeException e) {
                checks.add(new Check("sink", Status.FAILED, what + ": " + e.getMessage()));
            }
        }
    }
}
