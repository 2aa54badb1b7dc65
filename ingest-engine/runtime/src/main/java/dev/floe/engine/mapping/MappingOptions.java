package dev.floe.engine.mapping;

import dev.floe.engine.spi.config.ConfigOption;
import dev.floe.engine.spi.config.ConfigSection;
import dev.floe.engine.spi.config.ConfigSpec;
import dev.floe.engine.spi.config.ValueType;
import dev.floe.engine.time.EventTimeSpec;
import dev.floe.engine.time.EventTimeUnit;
import dev.floe.engine.window.AggregateSpec;
import dev.floe.engine.window.WindowSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The keys of a pipeline's mapping: its event time, stateless transforms, deduplication and
 * window. The reference in docs/configuration.md is generated from these.
 */
public final class MappingOptions {
    private MappingOptions() {}

    private static boolean positive(Duration duration) {
        return !duration.isZero() && !duration.isNegative();
    }

    // eventTime

    public static final ConfigOption<String> EVENT_TIME_FIELD = ConfigOption.string("field")
            .required()
            .description("The field of the rows entering the window that holds their event time, after the"
                    + " transforms: a timestamp, a date, a long or int (see unit) or a string (see format). For the"
                    + " Kafka timestamp, add it as a column with a metadata transform and name that column");

    public static final ConfigOption<EventTimeUnit> EVENT_TIME_UNIT = ConfigOption.of(
                    "unit", ValueType.enumeration(EventTimeUnit.class))
            .defaultValue(EventTimeUnit.MILLIS)
            .description("How a numeric event-time field counts time since the epoch");

    public static final ConfigOption<String> EVENT_TIME_FORMAT = ConfigOption.string("format")
            .description("The java.time pattern of a string event-time field, such as 'yyyy-MM-dd HH:mm:ss' (read"
                    + " as UTC); default: ISO-8601 instants such as 2026-01-31T12:00:00Z");

    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS = ConfigOption.of(
                    "maxOutOfOrderness", ValueType.DURATION)
            .defaultValue(Duration.ZERO)
            .description("How far behind the newest event time of its partition a record may be and still be on"
                    + " time: the watermark trails each partition's newest event time by this much");

    public static final ConfigOption<Duration> IDLE_TIMEOUT = ConfigOption.of("idleTimeout", ValueType.DURATION)
            .defaultValue(EventTimeSpec.DEFAULT_IDLE_TIMEOUT)
            .description("A partition without records for this long stops holding the watermark back, until"
                    + " it has records again; 0s: never");

    public static final ConfigSpec EVENT_TIME = ConfigSpec.of(
            "eventTime",
            "Where a pipeline's event time comes from and how its watermarks are made",
            List.of(EVENT_TIME_FIELD, EVENT_TIME_UNIT, EVENT_TIME_FORMAT, MAX_OUT_OF_ORDERNESS, IDLE_TIMEOUT));

    public static final ConfigOption<ConfigSection> EVENT_TIME_SECTION =
            ConfigOption.section("eventTime", EVENT_TIME).description(EVENT_TIME.description());

    // transforms

    public static final ConfigOption<String> FILTER = ConfigOption.string("filter")
            .description("Keeps the rows for which this CEL expression is true, such as 'quantity > 0 &&"
                    + " country != \"XX\"'; columns are its variables");

    public static final ConfigOption<Map<String, String>> SET = ConfigOption.of("set", ValueType.STRING_MAP)
            .description("Computed columns: column name to CEL expression, such as 'total: double(price) *"
                    + " double(quantity)'; an existing column gets the new value");

    public static final ConfigOption<Map<String, String>> RENAME =
            ConfigOption.of("rename", ValueType.STRING_MAP).description("Renames columns: old name to new name");

    public static final ConfigOption<Map<String, String>> CAST = ConfigOption.of("cast", ValueType.STRING_MAP)
            .description("Converts columns: column name to boolean, int, long, float, double, string, date,"
                    + " timestamp, timestamptz or decimal(p,s); a value that does not convert is dead-lettered");

    public static final ConfigOption<List<String>> SELECT =
            ConfigOption.of("select", ValueType.STRING_LIST).description("Keeps only these columns, in this order");

    public static final ConfigOption<List<String>> DROP =
            ConfigOption.of("drop", ValueType.STRING_LIST).description("Removes these columns");

    public static final ConfigOption<List<String>> FLATTEN = ConfigOption.of("flatten", ValueType.STRING_LIST)
            .description("Replaces these nested records by their fields, named parent_child, all levels down");

    public static final ConfigOption<String> SEPARATOR = ConfigOption.string("separator")
            .defaultValue("_")
            .description("With flatten: what joins a nested field's name to its parent's");

    public static final ConfigOption<Map<String, String>> METADATA = ConfigOption.of("metadata", ValueType.STRING_MAP)
            .description("Adds the Kafka record's metadata as columns: topic, partition, offset, timestamp, key or"
                    + " headers, each to its column name (headers as a map of strings)");

    public static final ConfigSpec TRANSFORM = ConfigSpec.of(
            "transform",
            "One stateless transform, applied in list order: exactly one of filter, set, rename, cast, select,"
                    + " drop, flatten, metadata",
            List.of(FILTER, SET, RENAME, CAST, SELECT, DROP, FLATTEN, SEPARATOR, METADATA));

    public static final ConfigOption<List<ConfigSection>> TRANSFORMS = ConfigOption.sectionList("transforms", TRANSFORM)
            .description("Stateless transforms of each record, in order, before any deduplication or window");

    // deduplicate

    public static final ConfigOption<List<String>> DEDUP_KEY = ConfigOption.of("key", ValueType.STRING_LIST)
            .required()
            .description("The fields whose values identify a record");

    public static final ConfigOption<Duration> DEDUP_WITHIN = ConfigOption.of("within", ValueType.DURATION)
            .required()
            .constraint(MappingOptions::positive, "more than 0s")
            .description("How long a key is remembered (processing time): a repeat within it is dropped");

    public static final ConfigSpec DEDUPLICATE = ConfigSpec.of(
            "deduplicate", "Drops records whose key was seen within a time horizon", List.of(DEDUP_KEY, DEDUP_WITHIN));

    public static final ConfigOption<ConfigSection> DEDUPLICATE_SECTION =
            ConfigOption.section("deduplicate", DEDUPLICATE).description(DEDUPLICATE.description());

    // window

    public static final ConfigOption<String> AGGREGATE_NAME =
            ConfigOption.string("name").required().description("The column the aggregate's value goes into");

    public static final ConfigOption<AggregateSpec.AggregateFunction> AGGREGATE_FUNCTION = ConfigOption.of(
                    "function", ValueType.enumeration(AggregateSpec.AggregateFunction.class))
            .required()
            .description("What it computes");

    public static final ConfigOption<String> AGGREGATE_FIELD = ConfigOption.string("field")
            .description("The field it is computed over; count without a field counts rows");

    public static final ConfigSpec AGGREGATE = ConfigSpec.of(
            "aggregate",
            "One value computed per window and key",
            List.of(AGGREGATE_NAME, AGGREGATE_FUNCTION, AGGREGATE_FIELD));

    public static final ConfigOption<WindowSpec.WindowKind> WINDOW_TYPE = ConfigOption.of(
                    "type", ValueType.enumeration(WindowSpec.WindowKind.class))
            .required()
            .description("Tumbling (fixed, back to back), sliding (size, every slide) or session (ended by a gap)");

    public static final ConfigOption<Duration> WINDOW_SIZE = ConfigOption.of("size", ValueType.DURATION)
            .constraint(MappingOptions::positive, "more than 0s")
            .description("The length of a tumbling or sliding window");

    public static final ConfigOption<Duration> WINDOW_SLIDE = ConfigOption.of("slide", ValueType.DURATION)
            .constraint(MappingOptions::positive, "more than 0s")
            .description("How far apart sliding windows start");

    public static final ConfigOption<Duration> WINDOW_GAP = ConfigOption.of("gap", ValueType.DURATION)
            .constraint(MappingOptions::positive, "more than 0s")
            .description("The silence (in event time) that ends a session");

    public static final ConfigOption<List<String>> WINDOW_KEY_BY = ConfigOption.of("keyBy", ValueType.STRING_LIST)
            .required()
            .description("The fields whose values key the windows; each becomes a column of the window's rows");

    public static final ConfigOption<List<ConfigSection>> WINDOW_AGGREGATES =
            ConfigOption.sectionList("aggregates", AGGREGATE).required().description("What each window computes");

    public static final ConfigOption<Duration> ALLOWED_LATENESS = ConfigOption.of("allowedLateness", ValueType.DURATION)
            .defaultValue(Duration.ZERO)
            .description("How long after a window's end (in event time) a late record still updates it; later"
                    + " records go to the dead-letter topic, counted");

    public static final ConfigOption<WindowSpec.UpdateMode> WINDOW_UPDATES = ConfigOption.of(
                    "updates", ValueType.enumeration(WindowSpec.UpdateMode.class))
            .defaultValue(WindowSpec.UpdateMode.VERSION)
            .description("How an update of an emitted window reaches the table: version appends its row again"
                    + " with a higher window_version; upsert makes the keys and window_start the table's"
                    + " identifier fields, for a sink that writes upserts");

    public static final ConfigOption<Duration> EARLY_RESULTS = ConfigOption.of("earlyResults", ValueType.DURATION)
            .constraint(MappingOptions::positive, "more than 0s")
            .description("Also emits the rows of open windows that changed, every this much processing time"
                    + " (each with a higher window_version); default: final results only");

    public static final ConfigSpec WINDOW = ConfigSpec.of(
            "window",
            "Aggregates over event-time windows per key; needs eventTime",
            List.of(
                    WINDOW_TYPE,
                    WINDOW_SIZE,
                    WINDOW_SLIDE,
                    WINDOW_GAP,
                    WINDOW_KEY_BY,
                    WINDOW_AGGREGATES,
                    ALLOWED_LATENESS,
                    WINDOW_UPDATES,
                    EARLY_RESULTS));

    public static final ConfigOption<ConfigSection> WINDOW_SECTION =
            ConfigOption.section("window", WINDOW).description(WINDOW.description());

    /** The mapping's keys of a pipeline section. */
    public static final List<ConfigOption<?>> PIPELINE_OPTIONS =
            List.of(EVENT_TIME_SECTION, TRANSFORMS, DEDUPLICATE_SECTION, WINDOW_SECTION);
}
