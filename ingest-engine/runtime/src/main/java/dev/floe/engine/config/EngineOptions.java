package dev.floe.engine.config;

import dev.floe.engine.spi.config.ConfigOption;
import dev.floe.engine.spi.config.ConfigSection;
import dev.floe.engine.spi.config.ConfigSpec;
import dev.floe.engine.spi.config.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The engine's config keys. The reference in docs/configuration.md is generated from these. */
public final class EngineOptions {
    private EngineOptions() {}

    // kafka

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOption.string("bootstrapServers")
            .required()
            .description("Kafka bootstrap servers, host:port[,host:port...]");

    public static final ConfigOption<Map<String, String>> KAFKA_PROPERTIES = ConfigOption.of(
                    "properties", ValueType.STRING_MAP)
            .defaultValue(Map.of())
            .description("Kafka client properties for every consumer and producer (security.protocol, sasl.*, ssl.*)");

    public static final ConfigOption<Map<String, String>> CONSUMER_PROPERTIES = ConfigOption.of(
                    "consumer", ValueType.STRING_MAP)
            .defaultValue(Map.of())
            .description("Kafka consumer properties, over 'properties' (fetch.max.bytes, max.poll.records, ...)");

    public static final ConfigOption<Map<String, String>> PRODUCER_PROPERTIES = ConfigOption.of(
                    "producer", ValueType.STRING_MAP)
            .defaultValue(Map.of())
            .description("Kafka producer properties for dead letters, over 'properties'");

    public static final ConfigSpec KAFKA = ConfigSpec.of(
            "kafka",
            "The Kafka cluster every pipeline reads from",
            List.of(BOOTSTRAP_SERVERS, KAFKA_PROPERTIES, CONSUMER_PROPERTIES, PRODUCER_PROPERTIES));

    // schema registry

    public static final ConfigOption<List<String>> REGISTRY_URL = ConfigOption.of("url", ValueType.STRING_LIST)
            .required()
            .description("Schema registry base URL, or a list of URLs to fail over between");

    public static final ConfigOption<String> REGISTRY_USER =
            ConfigOption.string("user").description("User for HTTP basic authentication");

    public static final ConfigOption<String> REGISTRY_PASSWORD =
            ConfigOption.string("password").secret().description("Password for HTTP basic authentication");

    public static final ConfigOption<String> REGISTRY_BEARER_TOKEN =
            ConfigOption.string("bearerToken").secret().description("Bearer token, instead of basic authentication");

    public static final ConfigOption<Map<String, String>> REGISTRY_HEADERS = ConfigOption.of(
                    "headers", ValueType.STRING_MAP)
            .defaultValue(Map.of())
            .description("Extra HTTP headers sent with every registry request");

    public static final ConfigOption<Duration> REGISTRY_TIMEOUT = ConfigOption.of("requestTimeout", ValueType.DURATION)
            .defaultValue(Duration.ofSeconds(10))
            .constraint(d -> !d.isZero() && !d.isNegative(), "more than 0s")
            .description("Timeout of one registry request");

    public static final ConfigOption<Integer> REGISTRY_RETRIES = ConfigOption.of("maxRetries", ValueType.INTEGER)
            .defaultValue(5)
            .constraint(n -> n >= 0, "0 or more")
            .description("Retries of a failed registry request (connection errors, 5xx, 429) before the"
                    + " pipeline pauses and tries again later");

    public static final ConfigSpec SCHEMA_REGISTRY = ConfigSpec.of(
            "schemaRegistry",
            "The Confluent-API schema registry that frames every record",
            List.of(
                    REGISTRY_URL,
                    REGISTRY_USER,
                    REGISTRY_PASSWORD,
                    REGISTRY_BEARER_TOKEN,
                    REGISTRY_HEADERS,
                    REGISTRY_TIMEOUT,
                    REGISTRY_RETRIES));

    // checkpoints

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOption.of("interval", ValueType.DURATION)
            .defaultValue(Duration.ofSeconds(10))
            .constraint(d -> d.compareTo(Duration.ofSeconds(1)) >= 0, "at least 1s")
            .description("How often a checkpoint is taken; each completed checkpoint commits to the tables");

    public static final ConfigOption<String> CHECKPOINT_STORAGE = ConfigOption.string("storage")
            .defaultValue("floe-checkpoints")
            .description("Where checkpoints are stored: a local directory (a path or file:// URI), or"
                    + " s3://bucket/prefix in S3 or an S3-compatible store (see checkpoints.s3)");

    public static final ConfigOption<Duration> CHECKPOINT_TIMEOUT = ConfigOption.of("timeout", ValueType.DURATION)
            .defaultValue(Duration.ofMinutes(10))
            .description("A checkpoint not completed within this time is aborted");

    public static final ConfigOption<Duration> CHECKPOINT_MIN_PAUSE = ConfigOption.of("minPause", ValueType.DURATION)
            .defaultValue(Duration.ZERO)
            .description("The least time between the end of one checkpoint and the start of the next");

    public static final ConfigOption<Integer> CHECKPOINT_RETAINED = ConfigOption.of("retained", ValueType.INTEGER)
            .defaultValue(3)
            .constraint(n -> n >= 1, "at least 1")
            .description("Completed checkpoints kept in storage; older ones are deleted");

    public static final ConfigOption<Integer> MAX_PENDING_COMMITS = ConfigOption.of(
                    "maxPendingCommits", ValueType.INTEGER)
            .defaultValue(5)
            .constraint(n -> n >= 1, "at least 1")
            .description("Completed checkpoints that may wait for their commit (a catalog outage, say) before"
                    + " the sources pause");

    public static final ConfigOption<String> CHECKPOINT_SAVEPOINTS = ConfigOption.string("savepoints")
            .description("Where savepoints go when `floe savepoint` names no --target: a local directory (a path"
                    + " or file:// URI) or s3://bucket/prefix (reached as checkpoints.s3 says); none by default,"
                    + " and then every savepoint needs a target. Floe never deletes a savepoint");

    // checkpoints: s3

    public static final ConfigOption<String> S3_ENDPOINT = ConfigOption.string("endpoint")
            .constraint(url -> url.startsWith("http://") || url.startsWith("https://"), "an http:// or https:// URL")
            .description("The endpoint of an S3-compatible store (MinIO, Ceph, ...); default: AWS's endpoint for the"
                    + " region");

    public static final ConfigOption<String> S3_REGION = ConfigOption.string("region")
            .description("The bucket's region; default: the AWS SDK's region chain (AWS_REGION, the profile)");

    public static final ConfigOption<Boolean> S3_PATH_STYLE_ACCESS = ConfigOption.of(
                    "pathStyleAccess", ValueType.BOOLEAN)
            .defaultValue(false)
            .description("Address buckets as endpoint/bucket instead of bucket.endpoint, as most S3-compatible"
                    + " stores need");

    public static final ConfigOption<String> S3_ACCESS_KEY_ID = ConfigOption.string("accessKeyId")
            .description("Access key id; default: the AWS SDK's credentials chain (environment, profile, instance"
                    + " role)");

    public static final ConfigOption<String> S3_SECRET_ACCESS_KEY =
            ConfigOption.string("secretAccessKey").secret().description("Secret access key of accessKeyId");

    public static final ConfigSpec CHECKPOINT_S3 = ConfigSpec.of(
            "s3",
            "How checkpoint storage on s3:// reaches its bucket",
            List.of(S3_ENDPOINT, S3_REGION, S3_PATH_STYLE_ACCESS, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY));

    public static final ConfigOption<ConfigSection> CHECKPOINT_S3_SECTION =
            ConfigOption.section("s3", CHECKPOINT_S3).description(CHECKPOINT_S3.description());

    public static final ConfigSpec CHECKPOINTS = ConfigSpec.of(
            "checkpoints",
            "When checkpoints are taken and where they are stored",
            List.of(
                    CHECKPOINT_INTERVAL,
                    CHECKPOINT_STORAGE,
                    CHECKPOINT_TIMEOUT,
                    CHECKPOINT_MIN_PAUSE,
                    CHECKPOINT_RETAINED,
                    MAX_PENDING_COMMITS,
                    CHECKPOINT_SAVEPOINTS,
                    CHECKPOINT_S3_SECTION));

    // http: the API, metrics and dashboard

    public static final ConfigOption<Boolean> HTTP_ENABLED = ConfigOption.of("enabled", ValueType.BOOLEAN)
            .defaultValue(true)
            .description("Whether floe run serves the HTTP API, /metrics and the dashboard");

    public static final ConfigOption<String> HTTP_HOST =
            ConfigOption.string("host").defaultValue("0.0.0.0").description("The address the HTTP server binds");

    public static final ConfigOption<Integer> HTTP_PORT = ConfigOption.of("port", ValueType.INTEGER)
            .defaultValue(8080)
            .constraint(n -> n >= 0 && n <= 65535, "between 0 and 65535")
            .description("The port of the HTTP API, /metrics and the dashboard; 0 picks a free one (logged)");

    public static final ConfigOption<String> HTTP_TOKEN = ConfigOption.string("token")
            .secret()
            .constraint(token -> token.length() >= 16, "at least 16 characters")
            .description("A bearer token the API requires (Authorization: Bearer <token>); health endpoints are"
                    + " always open. Without one, the API is open to whoever reaches the port");

    public static final ConfigOption<Boolean> HTTP_ANONYMOUS_READ = ConfigOption.of("anonymousRead", ValueType.BOOLEAN)
            .defaultValue(false)
            .description("With a token: let requests without it read (GET: status, /metrics, dashboard) while"
                    + " actions (checkpoint, pause, resume) still need it");

    public static final ConfigSpec HTTP = ConfigSpec.of(
            "http",
            "The HTTP API, Prometheus metrics and dashboard (docs/operations.md)",
            List.of(HTTP_ENABLED, HTTP_HOST, HTTP_PORT, HTTP_TOKEN, HTTP_ANONYMOUS_READ));

    public static final ConfigOption<ConfigSection> HTTP_SECTION =
            ConfigOption.section("http", HTTP).description(HTTP.description());

    // pipelines: source

    public static final ConfigOption<List<String>> TOPICS =
            ConfigOption.of("topics", ValueType.STRING_LIST).description("Topics to read; or set topicPattern");

    public static final ConfigOption<String> TOPIC_PATTERN = ConfigOption.string("topicPattern")
            .description("A regular expression for the topics to read, matched against whole names; topics that"
                    + " appear later are read from their start");

    public static final ConfigOption<Duration> DISCOVERY_INTERVAL = ConfigOption.of(
                    "discoveryInterval", ValueType.DURATION)
            .defaultValue(Duration.ofSeconds(30))
            .constraint(d -> d.compareTo(Duration.ofSeconds(1)) >= 0, "at least 1s")
            .description("How often new partitions, and new topics of a topicPattern, are looked for; they are"
                    + " read from their start");

    public static final ConfigOption<StartPosition> START_FROM = ConfigOption.of(
                    "startFrom", ValueType.enumeration(StartPosition.class))
            .defaultValue(StartPosition.EARLIEST)
            .description("Where a pipeline starts in partitions that neither a checkpoint nor its table knows:"
                    + " earliest, latest, timestamp (startTimestamp), group-offsets (the consumer group's"
                    + " committed offsets, else earliest) or offsets (startOffsets, else earliest)");

    public static final ConfigOption<String> START_TIMESTAMP = ConfigOption.string("startTimestamp")
            .description("For startFrom: timestamp, the instant to start at, as 2026-11-22T10:00:00Z: each"
                    + " partition starts at its first record at or after it");

    public static final ConfigOption<Map<String, String>> START_OFFSETS = ConfigOption.of(
                    "startOffsets", ValueType.STRING_MAP)
            .defaultValue(Map.of())
            .description("For startFrom: offsets, the offset to start at per partition, as \"topic:partition\":"
                    + " offset");

    public static final ConfigOption<String> GROUP_ID = ConfigOption.string("groupId")
            .description("Consumer group whose offsets Floe commits after each table commit, for lag"
                    + " monitoring; default floe-<pipeline id>");

    public static final ConfigOption<SourceFormat> FORMAT = ConfigOption.of(
                    "format", ValueType.enumeration(SourceFormat.class))
            .defaultValue(SourceFormat.AVRO)
            .description("What a record's value holds: avro, a Confluent-framed Avro record that is the row; or"
                    + " debezium, a Confluent-framed Avro Debezium change event whose 'after' record is the row"
                    + " (op c, r, u upsert it, op d deletes the key of 'before'). debezium needs sink.mode: upsert"
                    + " and no deduplicate or window. Either way, on an upsert table a record without a value (a"
                    + " tombstone) deletes the key of its Confluent-framed Avro key record");

    public static final ConfigSpec SOURCE = ConfigSpec.of(
            "source",
            "The topics a pipeline reads",
            List.of(
                    TOPICS,
                    TOPIC_PATTERN,
                    DISCOVERY_INTERVAL,
                    START_FROM,
                    START_TIMESTAMP,
                    START_OFFSETS,
                    GROUP_ID,
                    FORMAT));

    // pipelines: dead letters

    public static final ConfigOption<String> DEAD_LETTER_TOPIC = ConfigOption.string("topic")
            .description("Topic for records that cannot be ingested; default <pipeline id>.dead-letters unless"
                    + " table is set");

    public static final ConfigOption<String> DEAD_LETTER_TABLE = ConfigOption.string("table")
            .constraint(
                    name -> name.matches("[^.\\s]+(\\.[^.\\s]+)+"), "a table name with its namespace, such as db.name")
            .description("Instead of topic: an Iceberg table (namespace.name, in the sink's catalog) for records"
                    + " that cannot be ingested, created when missing and committed with each checkpoint before"
                    + " its data; see docs/iceberg-sink.md, \"Dead-letter tables\"");

    public static final ConfigSpec DEAD_LETTER = ConfigSpec.of(
            "deadLetter", "Where records that cannot be ingested go", List.of(DEAD_LETTER_TOPIC, DEAD_LETTER_TABLE));

    // pipelines

    public static final ConfigOption<String> PIPELINE_ID = ConfigOption.string("id")
            .required()
            .constraint(id -> id.matches("[a-z0-9][a-z0-9_-]{0,62}"), "lower-case letters, digits, '-' and '_'")
            .description("The pipeline's id: its dedup marker in every table commit. Never reuse it for"
                    + " another pipeline, never change it for the same one");

    public static final ConfigOption<Integer> PARALLELISM = ConfigOption.of("parallelism", ValueType.INTEGER)
            .constraint(n -> n >= 1 && n <= 1024, "between 1 and 1024")
            .description("Subtasks of the pipeline; default: the number of available processors");

    public static final ConfigOption<OnError> ON_ERROR = ConfigOption.of(
                    "onError", ValueType.enumeration(OnError.class))
            .defaultValue(OnError.DEAD_LETTER)
            .description("What a record that cannot be ingested does: go to the dead-letter topic, or stop"
                    + " the pipeline");

    public static final ConfigOption<ConfigSection> SOURCE_SECTION =
            ConfigOption.section("source", SOURCE).required().description("The topics to read");

    public static final ConfigOption<ConfigSection> DEAD_LETTER_SECTION =
            ConfigOption.section("deadLetter", DEAD_LETTER).description("Where records that cannot be ingested go");

    public static final ConfigOption<Integer> RESTART_ATTEMPTS = ConfigOption.of("maxAttempts", ValueType.INTEGER)
            .defaultValue(10)
            .constraint(n -> n >= 0, "0 or more")
            .description("Restarts allowed within the window; 0 never restarts");

    public static final ConfigOption<Duration> RESTART_WINDOW = ConfigOption.of("window", ValueType.DURATION)
            .defaultValue(Duration.ofMinutes(10))
            .description("The sliding window restarts are counted in");

    public static final ConfigOption<Duration> RESTART_INITIAL_BACKOFF = ConfigOption.of(
                    "initialBackoff", ValueType.DURATION)
            .defaultValue(Duration.ofSeconds(1))
            .description("The wait before the first restart; it doubles with each consecutive one");

    public static final ConfigOption<Duration> RESTART_MAX_BACKOFF = ConfigOption.of("maxBackoff", ValueType.DURATION)
            .defaultValue(Duration.ofMinutes(1))
            .description("The longest wait before a restart");

    public static final ConfigSpec RESTART = ConfigSpec.of(
            "restart",
            "How a pipeline restarts from its last checkpoint after a failure a restart can fix (a fatal one, such"
                    + " as refused credentials, stops it)",
            List.of(RESTART_ATTEMPTS, RESTART_WINDOW, RESTART_INITIAL_BACKOFF, RESTART_MAX_BACKOFF));

    public static final ConfigOption<ConfigSection> RESTART_SECTION =
            ConfigOption.section("restart", RESTART).description(RESTART.description());

    public static final ConfigOption<String> SINK_TYPE =
            ConfigOption.string("type").defaultValue("iceberg").description("The kind of sink");

    /** A pipeline's sink section, with the keys the installed sink declares. */
    static ConfigOption<ConfigSection> sinkSection(ConfigSpec sink) {
        return ConfigOption.section("sink", sink.with(List.of(SINK_TYPE)))
                .required()
                .description("Where the pipeline writes");
    }

    /** The keys of a pipeline, with the sink section's spec given by the installed sink. */
    static ConfigSpec pipeline(ConfigOption<ConfigSection> sinkSection) {
        List<ConfigOption<?>> options = new ArrayList<>(List.of(
                PIPELINE_ID,
                SOURCE_SECTION,
                PARALLELISM,
                ON_ERROR,
                DEAD_LETTER_SECTION,
                RESTART_SECTION,
                StateOptions.SECTION));
        options.addAll(dev.floe.engine.mapping.MappingOptions.PIPELINE_OPTIONS);
        options.add(sinkSection);
        return ConfigSpec.of("pipeline", "One topic-to-table mapping", options);
    }

    public static final ConfigOption<ConfigSection> KAFKA_SECTION =
            ConfigOption.section("kafka", KAFKA).required().description(KAFKA.description());

    public static final ConfigOption<ConfigSection> SCHEMA_REGISTRY_SECTION = ConfigOption.section(
                    "schemaRegistry", SCHEMA_REGISTRY)
            .required()
            .description(SCHEMA_REGISTRY.description());

    public static final ConfigOption<ConfigSection> CHECKPOINTS_SECTION =
            ConfigOption.section("checkpoints", CHECKPOINTS).description(CHECKPOINTS.description());

    /** The list of pipelines, each with the sink section's spec given by the installed sink. */
    static ConfigOption<List<ConfigSection>> pipelines(ConfigSpec pipeline) {
        return ConfigOption.sectionList("pipelines", pipeline)
                .required()
                .description("The topic-to-table mappings this process runs");
    }

    /** The keys of the file's root, with the sections sinks add. */
    static ConfigSpec root(ConfigOption<List<ConfigSection>> pipelines, List<ConfigOption<?>> sinkRootOptions) {
        List<ConfigOption<?>> options = new ArrayList<>(
                List.of(KAFKA_SECTION, SCHEMA_REGISTRY_SECTION, CHECKPOINTS_SECTION, HTTP_SECTION, pipelines));
        options.addAll(sinkRootOptions);
        return ConfigSpec.of("floe", "A Floe config file", options);
    }

    /** Where a pipeline starts when nothing says what it has ingested already. */
    public enum StartPosition {
        EARLIEST,
        LATEST,
        TIMESTAMP,
        GROUP_OFFSETS,
        OFFSETS
    }

    /** What a record's value holds. */
    public enum SourceFormat {
        /** A Confluent-framed Avro record: the row. */
        AVRO,
        /** A Confluent-framed Avro Debezium change event: op, before, after, source, ... */
        DEBEZIUM
    }

    /** What a record that cannot be ingested does. */
    public enum OnError {
        DEAD_LETTER,
        FAIL
    }
}
