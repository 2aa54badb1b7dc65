package dev.floe.engine.config;

import dev.floe.engine.mapping.MappingConfig;
import dev.floe.engine.mapping.MappingReader;
import dev.floe.engine.pipeline.RestartStrategy;
import dev.floe.engine.spi.config.ConfigException;
import dev.floe.engine.spi.config.ConfigOption;
import dev.floe.engine.spi.config.ConfigProblem;
import dev.floe.engine.spi.config.ConfigSection;
import dev.floe.engine.spi.config.ConfigSpec;
import dev.floe.engine.spi.service.ServiceDefinition;
import dev.floe.engine.spi.service.ServiceProvider;
import dev.floe.engine.spi.sink.SinkDefinition;
import dev.floe.engine.spi.sink.SinkProvider;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.registry.RegistryClientConfig;
import dev.floe.registry.RegistryCredentials;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Reads a config file once, checks it whole, and builds the immutable {@link FloeConfig}. Every
 * problem in the file is reported at once; nothing starts from a file with any.
 */
public final class ConfigLoader {
    private final SinkProvider sink;
    private final List<ServiceProvider> services;
    private final Function<String, String> variables;
    private final int defaultParallelism;

    /**
     * @param sink the installed sink
     * @param variables the values of {@code ${NAME}} references (the environment, usually)
     * @param defaultParallelism the parallelism of pipelines that set none
     */
    public ConfigLoader(SinkProvider sink, Function<String, String> variables, int defaultParallelism) {
        this(sink, ServiceProviders.installed(), variables, defaultParallelism);
    }

    /**
     * @param sink the installed sink
     * @param services the installed services, whose root sections the file may set
     * @param variables the values of {@code ${NAME}} references (the environment, usually)
     * @param defaultParallelism the parallelism of pipelines that set none
     */
    public ConfigLoader(
            SinkProvider sink,
            List<ServiceProvider> services,
            Function<String, String> variables,
            int defaultParallelism) {
        this.sink = sink;
        this.services = List.copyOf(services);
        this.variables = variables;
        this.defaultParallelism = defaultParallelism;
    }

    /** The keys a config file may have, with the installed sink's: what the reference documents. */
    public ConfigSpec spec() {
        ConfigOption<ConfigSection> sinkSection = EngineOptions.sinkSection(sink.sinkSpec());
        return EngineOptions.root(EngineOptions.pipelines(EngineOptions.pipeline(sinkSection)), rootOptions());
    }

    private List<ConfigOption<?>> rootOptions() {
        List<ConfigOption<?>> options = new ArrayList<>(sink.rootOptions());
        services.forEach(service -> options.addAll(service.rootOptions()));
        return options;
    }

    public FloeConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem(file.toString(), 0, "", "cannot read the file: " + e)));
        }
        return parse(file.toString(), text);
    }

    /** Parses config text; {@code source} names it in messages. */
    public FloeConfig parse(String source, String text) {
        YamlTree.Node tree;
        try {
            tree = YamlTree.parse(text);
        } catch (YamlTree.SyntaxError e) {
            throw new ConfigException(
                    List.of(new ConfigProblem(source, e.line, "", "invalid YAML: " + e.getMessage())));
        }
        if (!(tree instanceof YamlTree.Mapping)) {
            throw new ConfigException(
                    List.of(new ConfigProblem(source, tree.line, "", "expected a mapping of keys at the top level")));
        }
        ConfigOption<ConfigSection> sinkSection = EngineOptions.sinkSection(sink.sinkSpec());
        ConfigOption<List<ConfigSection>> pipelinesOption =
                EngineOptions.pipelines(EngineOptions.pipeline(sinkSection));
        List<ConfigProblem> problems = new ArrayList<>();
        ConfigSection root = ValidatedSection.validate(
                source,
                "",
                EngineOptions.root(pipelinesOption, rootOptions()),
                (YamlTree.Mapping) tree,
                problems,
                variables);

        KafkaConfig kafka = kafka(root.get(EngineOptions.KAFKA_SECTION));
        RegistryClientConfig registry = registry(root.get(EngineOptions.SCHEMA_REGISTRY_SECTION));
        CheckpointConfig checkpoints = checkpoints(root.get(EngineOptions.CHECKPOINTS_SECTION));
        HttpConfig http = http(root.get(EngineOptions.HTTP_SECTION));
        List<PipelineConfig> pipelines = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConfigSection section : root.get(pipelinesOption)) {
            PipelineConfig pipeline = pipeline(root, section, sinkSection);
            if (pipeline == null) {
                continue;
            }
            if (!ids.add(pipeline.id())) {
                section.problem(EngineOptions.PIPELINE_ID, "pipeline id '" + pipeline.id() + "' is used twice");
            }
            pipelines.add(pipeline);
        }
        if (root.isSet(pipelinesOption) && root.get(pipelinesOption).isEmpty() && problems.isEmpty()) {
            root.problem(pipelinesOption, "expected at least one pipeline");
        }
        List<ServiceDefinition> configured = new ArrayList<>();
        for (ServiceProvider service : services) {
            configured.add(service.configure(root));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new FloeConfig(source, kafka, registry, checkpoints, pipelines, http, configured);
    }

    private static HttpConfig http(ConfigSection section) {
        String token = section.get(EngineOptions.HTTP_TOKEN);
        boolean anonymousRead = section.get(EngineOptions.HTTP_ANONYMOUS_READ);
        if (anonymousRead && token == null) {
            section.problem(
                    EngineOptions.HTTP_ANONYMOUS_READ, "anonymousRead only means something with a token; set token");
        }
        return new HttpConfig(
                section.get(EngineOptions.HTTP_ENABLED),
                section.get(EngineOptions.HTTP_HOST),
                section.get(EngineOptions.HTTP_PORT),
                token,
                anonymousRead);
    }

    private static KafkaConfig kafka(ConfigSection section) {
        String servers = section.get(EngineOptions.BOOTSTRAP_SERVERS);
        return new KafkaConfig(
                servers == null ? "" : servers,
                section.get(EngineOptions.KAFKA_PROPERTIES),
                section.get(EngineOptions.CONSUMER_PROPERTIES),
                section.get(EngineOptions.PRODUCER_PROPERTIES));
    }

    /** The registry client's config, or null when the section has problems (reported on it). */
    private static RegistryClientConfig registry(ConfigSection section) {
        List<String> urls = section.get(EngineOptions.REGISTRY_URL);
        List<URI> uris = new ArrayList<>();
        boolean valid = urls != null;
        for (String url : urls == null ? List.<String>of() : urls) {
            try {
                URI uri = URI.create(url);
                if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
                    section.problem(
                            EngineOptions.REGISTRY_URL, "expected an http:// or https:// URL, got '" + url + "'");
                    valid = false;
                } else {
                    uris.add(uri);
                }
            } catch (IllegalArgumentException e) {
                section.problem(EngineOptions.REGISTRY_URL, "invalid URL '" + url + "': " + e.getMessage());
                valid = false;
            }
        }
        String user = section.get(EngineOptions.REGISTRY_USER);
        String password = section.get(EngineOptions.REGISTRY_PASSWORD);
        String token = section.get(EngineOptions.REGISTRY_BEARER_TOKEN);
        RegistryCredentials credentials = RegistryCredentials.NONE;
        if (token != null) {
            if (user != null) {
                section.problem(EngineOptions.REGISTRY_BEARER_TOKEN, "set either user and password, or bearerToken");
                valid = false;
            }
            credentials = new RegistryCredentials.Bearer(token);
        } else if (user != null || password != null) {
            if (user == null || password == null) {
                section.problem(
                        user == null ? EngineOptions.REGISTRY_USER : EngineOptions.REGISTRY_PASSWORD,
                        "basic authentication needs both user and password");
                valid = false;
            } else {
                credentials = new RegistryCredentials.Basic(user, password);
            }
        }
        if (!valid) {
            return null;
        }
        try {
            return RegistryClientConfig.of(uris)
                    .withCredentials(credentials)
                    .withHeaders(section.get(EngineOptions.REGISTRY_HEADERS))
                    .withRetries(
                            section.get(EngineOptions.REGISTRY_RETRIES), Duration.ofMillis(100), Duration.ofSeconds(5))
                    .withTimeouts(
                            section.get(EngineOptions.REGISTRY_TIMEOUT), section.get(EngineOptions.REGISTRY_TIMEOUT));
        } catch (IllegalArgumentException e) {
            section.problem(EngineOptions.REGISTRY_HEADERS, e.getMessage());
            return null;
        }
    }

    private static CheckpointConfig checkpoints(ConfigSection section) {
        String storage = section.get(EngineOptions.CHECKPOINT_STORAGE);
        CheckpointLocation location;
        if (storage.startsWith("s3://")) {
            location = s3Location(section, storage);
        } else if (storage.startsWith("file:")) {
            location =
                    new CheckpointLocation.Local(Paths.get(URI.create(storage)).toAbsolutePath());
        } else if (storage.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            section.problem(
                    EngineOptions.CHECKPOINT_STORAGE,
                    "checkpoint storage '" + storage + "' is neither a local directory (a path or file:// URI) nor"
                            + " an s3:// URI");
            location = null;
        } else {
            location = new CheckpointLocation.Local(Paths.get(storage).toAbsolutePath());
        }
        if (location == null) {
            location =
                    new CheckpointLocation.Local(Paths.get("floe-checkpoints").toAbsolutePath());
        }
        return new CheckpointConfig(
                section.get(EngineOptions.CHECKPOINT_INTERVAL),
                location,
                section.get(EngineOptions.CHECKPOINT_TIMEOUT),
                section.get(EngineOptions.CHECKPOINT_MIN_PAUSE),
                section.get(EngineOptions.CHECKPOINT_RETAINED),
                section.get(EngineOptions.MAX_PENDING_COMMITS),
                section.get(EngineOptions.CHECKPOINT_SAVEPOINTS));
    }

    /** The bucket, prefix and client of an s3:// storage URI, or null when the section has problems. */
    private static CheckpointLocation.S3 s3Location(ConfigSection section, String storage) {
        ConfigSection s3 = section.get(EngineOptions.CHECKPOINT_S3_SECTION);
        String path = storage.substring("s3://".length());
        int slash = path.indexOf('/');
        String bucket = slash < 0 ? path : path.substring(0, slash);
        String prefix = slash < 0 ? "" : path.substring(slash + 1);
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            section.problem(
                    EngineOptions.CHECKPOINT_STORAGE,
                    "'" + bucket + "' in '" + storage + "' is not a bucket name (3 to 63 lower-case letters, digits,"
                            + " '.' and '-')");
            return null;
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix += "/";
        }
        String accessKeyId = s3.get(EngineOptions.S3_ACCESS_KEY_ID);
        String secretAccessKey = s3.get(EngineOptions.S3_SECRET_ACCESS_KEY);
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            s3.problem(
                    accessKeyId == null ? EngineOptions.S3_ACCESS_KEY_ID : EngineOptions.S3_SECRET_ACCESS_KEY,
                    "static credentials need both accessKeyId and secretAccessKey");
            return null;
        }
        String endpoint = s3.get(EngineOptions.S3_ENDPOINT);
        return new CheckpointLocation.S3(
                bucket,
                prefix,
                new S3ClientConfig(
                        endpoint == null ? null : URI.create(endpoint),
                        s3.get(EngineOptions.S3_REGION),
                        s3.get(EngineOptions.S3_PATH_STYLE_ACCESS),
                        accessKeyId,
                        secretAccessKey));
    }

    private PipelineConfig pipeline(ConfigSection root, ConfigSection section, ConfigOption<ConfigSection> sinkOption) {
        String id = section.get(EngineOptions.PIPELINE_ID);
        ConfigSection source = section.get(EngineOptions.SOURCE_SECTION);
        ConfigSection sinkSection = section.get(sinkOption);
        String type = sinkSection.get(EngineOptions.SINK_TYPE);
        if (!type.equals(sink.type())) {
            sinkSection.problem(EngineOptions.SINK_TYPE, "unknown sink type '" + type + "'; installed: " + sink.type());
        }
        if (id == null) {
            return null;
        }
        SinkDefinition definition = sink.configure(id, root, sinkSection);
        SourceConfig sourceConfig = source(source, id);
        Integer parallelism = section.get(EngineOptions.PARALLELISM);
        ConfigSection deadLetter = section.get(EngineOptions.DEAD_LETTER_SECTION);
        String deadLetterTopic = deadLetter.get(EngineOptions.DEAD_LETTER_TOPIC);
        String deadLetterTable = deadLetter.get(EngineOptions.DEAD_LETTER_TABLE);
        if (deadLetterTopic != null && deadLetterTable != null) {
            deadLetter.problem(
                    EngineOptions.DEAD_LETTER_TABLE,
                    "set either topic or table, not both: dead letters go to exactly one destination");
            return null;
        }
        if (sourceConfig == null) {
            return null;
        }
        MappingConfig mapping = MappingReader.read(section);
        if (sourceConfig.format() == EngineOptions.SourceFormat.DEBEZIUM) {
            if (!definition.appliesDeletes()) {
                source.problem(
                        EngineOptions.FORMAT,
                        "format debezium needs a sink that applies deletes (sink.mode: upsert); "
                                + definition.describe() + " does not");
            } else if (mapping.deduplicate() != null || mapping.window() != null) {
                source.problem(
                        EngineOptions.FORMAT,
                        "format debezium cannot feed a deduplicate or a window: their rows are not changes of a key");
            }
        }
        return new PipelineConfig(
                id,
                sourceConfig,
                parallelism == null ? defaultParallelism : parallelism,
                section.get(EngineOptions.ON_ERROR),
                deadLetterTable != null ? null : deadLetterTopic == null ? id + ".dead-letters" : deadLetterTopic,
                deadLetterTable,
                definition,
                restart(section.get(EngineOptions.RESTART_SECTION)),
                StateOptions.read(section.get(StateOptions.SECTION)),
                mapping);
    }

    private static RestartStrategy restart(ConfigSection section) {
        return new RestartStrategy(
                section.get(EngineOptions.RESTART_ATTEMPTS),
                section.get(EngineOptions.RESTART_WINDOW),
                section.get(EngineOptions.RESTART_INITIAL_BACKOFF),
                section.get(EngineOptions.RESTART_MAX_BACKOFF));
    }

    /** A pipeline's source, or null when its section has problems (reported on it). */
    private static SourceConfig source(ConfigSection source, String id) {
        List<String> topics = source.get(EngineOptions.TOPICS);
        String patternText = source.get(EngineOptions.TOPIC_PATTERN);
        boolean valid = true;
        if ((topics == null || topics.isEmpty()) == (patternText == null)) {
            source.problem(EngineOptions.TOPICS, "set either topics or topicPattern");
            valid = false;
        }
        if (topics != null) {
            List<String> invalid = topics.stream()
                    .filter(topic -> !topic.matches("[a-zA-Z0-9._-]{1,249}"))
                    .collect(Collectors.toList());
            if (!invalid.isEmpty()) {
                source.problem(
                        EngineOptions.TOPICS,
                        "invalid topic names " + invalid + ": Kafka topics use letters, digits, '.', '_' and '-'");
                valid = false;
            }
        }
        Pattern pattern = null;
        if (patternText != null) {
            try {
                pattern = Pattern.compile(patternText);
            } catch (PatternSyntaxException e) {
                source.problem(EngineOptions.TOPIC_PATTERN, "invalid regular expression: " + e.getDescription());
                valid = false;
            }
        }
        EngineOptions.StartPosition startFrom = source.get(EngineOptions.START_FROM);
        Instant startTimestamp = null;
        String timestampText = source.get(EngineOptions.START_TIMESTAMP);
        if (timestampText != null) {
            try {
                startTimestamp = Instant.parse(timestampText);
            } catch (DateTimeParseException e) {
                source.problem(
                        EngineOptions.START_TIMESTAMP,
                        "expected an instant such as 2026-11-22T10:00:00Z, got '" + timestampText + "'");
                valid = false;
            }
        } else if (startFrom == EngineOptions.StartPosition.TIMESTAMP) {
            source.problem(EngineOptions.START_TIMESTAMP, "startFrom: timestamp needs a startTimestamp");
            valid = false;
        }
        Map<SourcePartition, Long> offsets = new HashMap<>();
        for (Map.Entry<String, String> entry :
                source.get(EngineOptions.START_OFFSETS).entrySet()) {
            int colon = entry.getKey().lastIndexOf(':');
            try {
                offsets.put(
                        new SourcePartition(
                                entry.getKey().substring(0, colon),
                                Integer.parseInt(entry.getKey().substring(colon + 1))),
                        Long.parseLong(entry.getValue().trim()));
            } catch (RuntimeException e) {
                source.problem(
                        EngineOptions.START_OFFSETS,
                        "expected \"topic:partition\": offset, got \"" + entry.getKey() + "\": " + entry.getValue());
                valid = false;
            }
        }
        if (startFrom == EngineOptions.StartPosition.OFFSETS && offsets.isEmpty()) {
            source.problem(EngineOptions.START_OFFSETS, "startFrom: offsets needs startOffsets");
            valid = false;
        }
        String group = source.get(EngineOptions.GROUP_ID);
        if (!valid) {
            return null;
        }
        return new SourceConfig(
                topics == null ? List.of() : topics,
                pattern,
                source.get(EngineOptions.DISCOVERY_INTERVAL),
                startFrom,
                startTimestamp,
                SourceOffsets.of(offsets),
                group == null ? "floe-" + id : group,
                source.get(EngineOptions.FORMAT),
                SourceOffsets.empty());
    }

    /** The environment, for {@code ${NAME}} references. */
    public static Function<String, String> environment() {
        Map<String, String> env = System.getenv();
        return env::get;
    }
}
