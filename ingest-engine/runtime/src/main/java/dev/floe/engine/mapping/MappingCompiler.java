package dev.floe.engine.mapping;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.floe.engine.api.PipelineDefinition;
import dev.floe.engine.config.EngineOptions;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.config.PipelineConfig;
import dev.floe.engine.format.AvroToIceberg;
import dev.floe.engine.format.ConfluentAvroDecoder;
import dev.floe.engine.spi.config.ConfigException;
import dev.floe.engine.spi.config.ConfigProblem;
import dev.floe.engine.spi.dataflow.KeyedOperator;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.transform.Deduplicate;
import dev.floe.engine.transform.TransformChain;
import dev.floe.engine.transform.TransformCompileException;
import dev.floe.engine.transform.TransformOperator;
import dev.floe.engine.window.AggregateSpec;
import dev.floe.engine.window.WindowOperator;
import dev.floe.engine.window.WindowSpec;
import dev.floe.registry.CachingSchemaRegistry;
import dev.floe.registry.RegistryUnavailableException;
import dev.floe.registry.SchemaNotFoundException;
import dev.floe.registry.SubjectVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.iceberg.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns configured pipelines into runnable ones, checking each mapping against the records' schema
 * before anything starts: the latest value schema of each topic (subject {@code <topic>-value}),
 * fetched from the registry. Wrong field names, expressions that do not type-check, aggregates over
 * non-numeric fields, event time in a field that cannot hold it: every problem of every pipeline
 * is reported at once, as config problems with the file, line and key path they came from.
 *
 * <p>A pipeline with a window needs that schema to lay its output out, and waits for it (a topic
 * nothing was produced to yet); one without a window is checked when the schema exists, and
 * otherwise per schema when its records arrive. Later schema versions are checked as they arrive:
 * records the mapping no longer fits are bad records.
 */
public final class MappingCompiler {
    private static final Logger LOG = LoggerFactory.getLogger(MappingCompiler.class);

    private final CachingSchemaRegistry registry;

    public MappingCompiler(CachingSchemaRegistry registry) {
        this.registry = registry;
    }

    /**
     * The runnable pipelines of {@code config}.
     *
     * @throws ConfigException with every problem found against the records' schemas
     */
    public List<PipelineDefinition> compile(FloeConfig config) {
        List<ConfigProblem> problems = new ArrayList<>();
        List<PipelineDefinition> definitions = new ArrayList<>();
        for (PipelineConfig pipeline : config.pipelines()) {
            if (pipeline.mapping().isEmpty()) {
                definitions.add(PipelineDefinition.of(pipeline));
                continue;
            }
            int before = problems.size();
            PipelineDefinition definition = compile(pipeline, problems);
            if (problems.size() == before) {
                definitions.add(definition);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return definitions;
    }

    private PipelineDefinition compile(PipelineConfig pipeline, List<ConfigProblem> problems) {
        MappingConfig mapping = pipeline.mapping();
        PipelineDefinition.Builder builder = PipelineDefinition.builder(pipeline);
        if (!mapping.transforms().isEmpty()) {
            builder.operator(() -> new TransformOperator(mapping.transforms()));
        }
        Schema windowInput = null;
        for (String topic : pipeline.source().topics()) {
            Optional<Schema> schema = schema(
                    pipeline.id(),
                    topic,
                    mapping.window() != null,
                    pipeline.source().format());
            if (schema.isEmpty()) {
                continue;
            }
            String origin = "records of topic " + topic + ": ";
            Schema transformed;
            try {
                transformed = TransformChain.compile(RowType.of(schema.get()), mapping.transforms())
                        .output()
                        .schema();
            } catch (TransformCompileException e) {
                e.problems().forEach(problem -> problems.add(prefixed(problem, origin)));
                continue;
            }
            if (mapping.deduplicate() != null) {
                for (String key : mapping.deduplicate().key()) {
                    if (transformed.asStruct().field(key) == null) {
                        problems.add(mapping.deduplicate()
                                .location()
                                .child("key")
                                .problem(origin + "no field '" + key + "' in the rows to deduplicate"));
                    }
                }
            }
            if (mapping.window() != null) {
                try {
                    Schema output = WindowOperator.outputSchema(mapping.window(), transformed);
                    if (windowInput == null) {
                        windowInput = transformed;
                    } else if (!output.sameSchema(WindowOperator.outputSchema(mapping.window(), windowInput))) {
                        problems.add(mapping.window()
                                .location()
                                .problem(origin + "the window's rows would differ from those of the pipeline's"
                                        + " other topics: " + output.asStruct()));
                    }
                } catch (TransformCompileException e) {
                    e.problems().forEach(problem -> problems.add(prefixed(problem, origin)));
                }
            }
        }
        if (mapping.deduplicate() != null) {
            MappingConfig.Deduplication deduplicate = mapping.deduplicate();
            builder.keyBy(
                    WindowOperator.keySelector(deduplicate.key()),
                    () -> new Deduplicate(deduplicate.within()),
                    "deduplicate by " + deduplicate.key());
        }
        if (mapping.window() != null && windowInput != null) {
            Supplier<KeyedOperator> window = WindowOperator.factory(mapping.window(), windowInput);
            builder.eventTime(mapping.window().eventTime())
                    .keyBy(WindowOperator.keySelector(mapping.window().keyBy()), window, describe(mapping.window()));
        }
        return problems.isEmpty() ? builder.build() : null;
    }

    /** A window as its state depends on it: its kind, extent, keys and aggregates. */
    private static String describe(WindowSpec window) {
        StringBuilder text =
                new StringBuilder("window ").append(window.kind().name().toLowerCase());
        if (window.size() != null) {
            text.append(" size ").append(window.size());
        }
        if (window.slide() != null) {
            text.append(" slide ").append(window.slide());
        }
        if (window.gap() != null) {
            text.append(" gap ").append(window.gap());
        }
        text.append(" by ").append(window.keyBy()).append(':');
        for (AggregateSpec aggregate : window.aggregates()) {
            text.append(' ')
                    .append(aggregate.name())
                    .append('=')
                    .append(aggregate.function().name().toLowerCase())
                    .append(aggregate.field() == null ? "" : "(" + aggregate.field() + ")");
        }
        return text.toString();
    }

    private static ConfigProblem prefixed(ConfigProblem problem, String origin) {
        return new ConfigProblem(problem.file(), problem.line(), problem.path(), origin + problem.message());
    }

    /**
     * The latest value schema of {@code topic}, as the decoder makes it a row type; empty when the
     * topic has none yet and {@code wait} is false. Waits while the registry is unavailable.
     */
    private Optional<Schema> schema(String pipelineId, String topic, boolean wait, EngineOptions.SourceFormat format) {
        String subject = topic + "-value";
        RetryPolicy<Optional<SubjectVersion>> policy = RetryPolicy.<Optional<SubjectVersion>>builder()
                .handle(RegistryUnavailableException.class)
                .handleResultIf(found -> found.isEmpty() && wait)
                .withMaxRetries(-1)
                .withBackoff(Duration.ofMillis(250), Duration.ofSeconds(15))
                .onRetry(event -> LOG.warn(
                        "Pipeline {} waits for the value schema of topic {} (subject {}), which its window needs"
                                + " (attempt {}){}",
                        pipelineId,
                        topic,
                        subject,
                        event.getAttemptCount(),
                        event.getLastException() == null
                                ? ""
                                : ": " + event.getLastException().getMessage()))
                .build();
        Optional<SubjectVersion> latest = Failsafe.with(policy).get(() -> {
            try {
                return Optional.of(registry.latestVersion(subject));
            } catch (SchemaNotFoundException e) {
                return Optional.empty();
            }
        });
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        org.apache.avro.Schema value = registry.avroSchema(latest.get().schema().id());
        org.apache.avro.Schema rows;
        try {
            rows = ConfluentAvroDecoder.rowSchema(value, format);
        } catch (IllegalArgumentException e) {
            // its records are refused one by one, as bad records, when they arrive
            LOG.warn(
                    "Pipeline {} cannot check its mapping against the latest schema of subject {}: {}",
                    pipelineId,
                    subject,
                    e.getMessage());
            return Optional.empty();
        }
        return Optional.of(AvroToIceberg.convert(rows));
    }
}
