package dev.floe.engine.mapping;

import dev.cel.common.CelValidationException;
import dev.cel.parser.CelParser;
import dev.cel.parser.CelParserFactory;
import dev.floe.engine.config.ConfigLocation;
import dev.floe.engine.config.ConfigLocations;
import dev.floe.engine.spi.config.ConfigOption;
import dev.floe.engine.spi.config.ConfigSection;
import dev.floe.engine.time.EventTimeSpec;
import dev.floe.engine.transform.TransformStep;
import dev.floe.engine.window.AggregateSpec;
import dev.floe.engine.window.WindowSpec;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a pipeline's mapping from its validated config section and checks what can be checked
 * without the records' schema: one transform per list entry, expressions that parse, metadata
 * items that exist, windows with the durations their type needs and with event time, at most one
 * keyed step. Problems go to the sections; the rest waits for the schema (see {@link
 * MappingCompiler}).
 */
public final class MappingReader {
    private static final CelParser PARSER =
            CelParserFactory.standardCelParserBuilder().build();
    private static final List<ConfigOption<?>> KINDS = List.of(
            MappingOptions.FILTER,
            MappingOptions.SET,
            MappingOptions.RENAME,
            MappingOptions.CAST,
            MappingOptions.SELECT,
            MappingOptions.DROP,
            MappingOptions.FLATTEN,
            MappingOptions.METADATA);

    private MappingReader() {}

    /**
     * The mapping of {@code pipeline}. Problems are reported on the sections (and the loader then
     * refuses the file); what had problems is left out of the returned mapping.
     */
    public static MappingConfig read(ConfigSection pipeline) {
        EventTimeSpec eventTime = pipeline.isSet(MappingOptions.EVENT_TIME_SECTION)
                ? eventTime(pipeline.get(MappingOptions.EVENT_TIME_SECTION))
                : null;
        List<TransformStep> transforms = new ArrayList<>();
        for (ConfigSection section : pipeline.get(MappingOptions.TRANSFORMS)) {
            TransformStep step = transform(section);
            if (step != null) {
                transforms.add(step);
            }
        }
        MappingConfig.Deduplication deduplicate = null;
        if (pipeline.isSet(MappingOptions.DEDUPLICATE_SECTION)) {
            ConfigSection section = pipeline.get(MappingOptions.DEDUPLICATE_SECTION);
            if (section.get(MappingOptions.DEDUP_KEY) != null && section.get(MappingOptions.DEDUP_WITHIN) != null) {
                deduplicate = new MappingConfig.Deduplication(
                        section.get(MappingOptions.DEDUP_KEY),
                        section.get(MappingOptions.DEDUP_WITHIN),
                        ConfigLocations.of(pipeline, MappingOptions.DEDUPLICATE_SECTION));
            }
        }
        WindowSpec window = null;
        if (pipeline.isSet(MappingOptions.WINDOW_SECTION)) {
            if (deduplicate != null) {
                pipeline.problem(
                        MappingOptions.WINDOW_SECTION,
                        "a pipeline has one keyed step: a window or a deduplication, not both (deduplicate in"
                                + " another pipeline that writes a topic, or count distinct in the window)");
            }
            window = window(pipeline, eventTime);
            if (deduplicate != null) {
                window = null;
            }
        }
        return new MappingConfig(eventTime, transforms, deduplicate, window);
    }

    private static EventTimeSpec eventTime(ConfigSection section) {
        String field = section.get(MappingOptions.EVENT_TIME_FIELD);
        if (field == null) {
            return null;
        }
        return new EventTimeSpec(
                field,
                section.get(MappingOptions.EVENT_TIME_UNIT),
                section.get(MappingOptions.EVENT_TIME_FORMAT),
                section.get(MappingOptions.MAX_OUT_OF_ORDERNESS),
                section.get(MappingOptions.IDLE_TIMEOUT));
    }

    private static TransformStep transform(ConfigSection section) {
        List<ConfigOption<?>> set = new ArrayList<>();
        for (ConfigOption<?> kind : KINDS) {
            if (section.isSet(kind)) {
                set.add(kind);
            }
        }
        if (set.size() != 1) {
            String kinds =
                    String.join(", ", KINDS.stream().map(ConfigOption::key).toList());
            section.problem(
                    set.isEmpty() ? MappingOptions.FILTER : set.get(1),
                    set.isEmpty()
                            ? "a transform needs one of " + kinds
                            : "a transform does one thing: " + set.get(0).key() + " and "
                                    + set.get(1).key() + " go in two list entries");
            return null;
        }
        ConfigOption<?> kind = set.get(0);
        ConfigLocation location = ConfigLocations.of(section, kind);
        if (section.isSet(MappingOptions.SEPARATOR) && kind != MappingOptions.FLATTEN) {
            section.problem(MappingOptions.SEPARATOR, "separator goes with flatten only");
        }
        if (kind == MappingOptions.FILTER) {
            String expression = section.get(MappingOptions.FILTER);
            return parses(section, MappingOptions.FILTER, expression)
                    ? new TransformStep.Filter(expression, location)
                    : null;
        } else if (kind == MappingOptions.SET) {
            Map<String, String> columns = section.get(MappingOptions.SET);
            boolean valid = !columns.isEmpty() || empty(section, MappingOptions.SET);
            for (Map.Entry<String, String> column : columns.entrySet()) {
                valid &= parses(section, MappingOptions.SET, column.getValue());
            }
            return valid ? new TransformStep.Compute(columns, location) : null;
        } else if (kind == MappingOptions.RENAME) {
            return new TransformStep.Rename(section.get(MappingOptions.RENAME), location);
        } else if (kind == MappingOptions.CAST) {
            return new TransformStep.Cast(section.get(MappingOptions.CAST), location);
        } else if (kind == MappingOptions.SELECT) {
            return new TransformStep.Select(section.get(MappingOptions.SELECT), location);
        } else if (kind == MappingOptions.DROP) {
            return new TransformStep.Drop(section.get(MappingOptions.DROP), location);
        } else if (kind == MappingOptions.FLATTEN) {
            return new TransformStep.Flatten(
                    section.get(MappingOptions.FLATTEN), section.get(MappingOptions.SEPARATOR), location);
        }
        return metadata(section, location);
    }

    private static boolean empty(ConfigSection section, ConfigOption<?> option) {
        section.problem(option, "expected at least one entry");
        return false;
    }

    private static boolean parses(ConfigSection section, ConfigOption<?> option, String expression) {
        try {
            PARSER.parse(expression).getAst();
            return true;
        } catch (CelValidationException e) {
            section.problem(
                    option,
                    "expression `" + expression + "` does not parse: "
                            + e.getMessage().replace('\n', ' ').replaceAll("\\s+\\|", " |"));
            return false;
        }
    }

    private static TransformStep metadata(ConfigSection section, ConfigLocation location) {
        Map<TransformStep.MetadataField, String> columns = new EnumMap<>(TransformStep.MetadataField.class);
        boolean valid = true;
        for (Map.Entry<String, String> entry :
                section.get(MappingOptions.METADATA).entrySet()) {
            try {
                columns.put(
                        TransformStep.MetadataField.valueOf(entry.getKey().toUpperCase(Locale.ROOT)), entry.getValue());
            } catch (IllegalArgumentException e) {
                section.problem(
                        MappingOptions.METADATA,
                        "'" + entry.getKey() + "' is not Kafka metadata: topic, partition, offset, timestamp, key or"
                                + " headers");
                valid = false;
            }
        }
        return valid ? new TransformStep.AddMetadata(columns, location) : null;
    }

    private static WindowSpec window(ConfigSection pipeline, EventTimeSpec eventTime) {
        ConfigSection section = pipeline.get(MappingOptions.WINDOW_SECTION);
        ConfigLocation location = ConfigLocations.of(pipeline, MappingOptions.WINDOW_SECTION);
        WindowSpec.WindowKind kind = section.get(MappingOptions.WINDOW_TYPE);
        boolean valid = kind != null;
        if (eventTime == null && !pipeline.isSet(MappingOptions.EVENT_TIME_SECTION)) {
            pipeline.problem(
                    MappingOptions.WINDOW_SECTION,
                    "a window needs event time: add eventTime with the field that holds it (for Kafka"
                            + " timestamps, a metadata transform's timestamp column)");
            valid = false;
        } else if (eventTime == null) {
            valid = false;
        }
        if (kind == WindowSpec.WindowKind.TUMBLING || kind == WindowSpec.WindowKind.SLIDING) {
            valid &= needs(section, MappingOptions.WINDOW_SIZE, kind);
            valid &= refuses(section, MappingOptions.WINDOW_GAP, kind);
        }
        if (kind == WindowSpec.WindowKind.SLIDING) {
            valid &= needs(section, MappingOptions.WINDOW_SLIDE, kind);
            if (valid
                    && section.get(MappingOptions.WINDOW_SLIDE).compareTo(section.get(MappingOptions.WINDOW_SIZE))
                            > 0) {
                section.problem(MappingOptions.WINDOW_SLIDE, "a slide longer than the window's size skips records");
                valid = false;
            }
        } else if (kind != null) {
            valid &= refuses(section, MappingOptions.WINDOW_SLIDE, kind);
        }
        if (kind == WindowSpec.WindowKind.SESSION) {
            valid &= needs(section, MappingOptions.WINDOW_GAP, kind);
            valid &= refuses(section, MappingOptions.WINDOW_SIZE, kind);
        }
        List<AggregateSpec> aggregates = new ArrayList<>();
        for (ConfigSection aggregate : section.get(MappingOptions.WINDOW_AGGREGATES)) {
            String name = aggregate.get(MappingOptions.AGGREGATE_NAME);
            AggregateSpec.AggregateFunction function = aggregate.get(MappingOptions.AGGREGATE_FUNCTION);
            String field = aggregate.get(MappingOptions.AGGREGATE_FIELD);
            if (name == null || function == null) {
                valid = false;
                continue;
            }
            if (field == null && function != AggregateSpec.AggregateFunction.COUNT) {
                aggregate.problem(
                        MappingOptions.AGGREGATE_FIELD,
                        dev.floe.engine.spi.config.ValueType.configName(function) + " needs a field");
                valid = false;
                continue;
            }
            aggregates.add(new AggregateSpec(name, function, field, location(aggregate)));
        }
        if (section.isSet(MappingOptions.WINDOW_AGGREGATES) && aggregates.isEmpty() && valid) {
            section.problem(MappingOptions.WINDOW_AGGREGATES, "expected at least one aggregate");
            valid = false;
        }
        if (!valid || section.get(MappingOptions.WINDOW_KEY_BY) == null) {
            return null;
        }
        return new WindowSpec(
                kind,
                section.get(MappingOptions.WINDOW_SIZE),
                section.get(MappingOptions.WINDOW_SLIDE),
                section.get(MappingOptions.WINDOW_GAP),
                section.get(MappingOptions.WINDOW_KEY_BY),
                aggregates,
                section.get(MappingOptions.ALLOWED_LATENESS),
                section.get(MappingOptions.WINDOW_UPDATES),
                section.get(MappingOptions.EARLY_RESULTS),
                eventTime,
                location);
    }

    /** An aggregate's own location: its section, by its function's key. */
    private static ConfigLocation location(ConfigSection aggregate) {
        ConfigLocation function = ConfigLocations.of(aggregate, MappingOptions.AGGREGATE_FUNCTION);
        return new ConfigLocation(function.file(), function.line(), aggregate.path());
    }

    private static boolean needs(ConfigSection section, ConfigOption<?> option, WindowSpec.WindowKind kind) {
        if (section.get(option) == null) {
            section.problem(option, "a " + name(kind) + " window needs " + option.key());
            return false;
        }
        return true;
    }

    private static boolean refuses(ConfigSection section, ConfigOption<?> option, WindowSpec.WindowKind kind) {
        if (section.isSet(option)) {
            section.problem(option, "a " + name(kind) + " window has no " + option.key());
            return false;
        }
        return true;
    }

    private static String name(WindowSpec.WindowKind kind) {
        return dev.floe.engine.spi.config.ValueType.configName(kind);
    }
}
