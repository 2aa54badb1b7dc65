package dev.floe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.config.PipelineConfig;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The docker-compose demo and the container image, checked for what would break them where no
 * Docker engine runs: the services and their start order, pinned images, health checks, ports,
 * volumes, and that Floe's config in the stack loads and agrees with Trino's catalog.
 */
class ComposeStackTest {
    private static final Path DEPLOY = Path.of("").toAbsolutePath();
    private static final Pattern COMPOSE_VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");
    private static final Set<String> ONE_SHOT = Set.of("minio-buckets");

    private static JsonNode compose;
    private static JsonNode services;

    @BeforeAll
    static void readCompose() throws IOException {
        compose = new YAMLMapper().readTree(DEPLOY.resolve("docker-compose.yml").toFile());
        services = compose.get("services");
    }

    @Test
    void theStackHasEveryServiceOfTheDemo() {
        assertThat(names(services))
                .containsExactlyInAnyOrder(
                        "kafka", "schema-registry", "minio", "minio-buckets", "postgres", "floe", "generator", "trino");
    }

    @Test
    void everyImageIsPinnedToAVersion() {
        for (Map.Entry<String, JsonNode> service : entries(services)) {
            JsonNode image = service.getValue().get("image");
            assertThat(image).as("the image of service %s", service.getKey()).isNotNull();
            String reference = image.asText();
            assertThat(reference)
                    .as("the image of service %s names a tag", service.getKey())
                    .matches("[^:]+:[^:]+")
                    .doesNotEndWith(":latest");
        }
    }

    @Test
    void dependenciesExistWaitForHealthAndHaveNoCycle() {
        Map<String, List<String>> edges = new HashMap<>();
        for (Map.Entry<String, JsonNode> service : entries(services)) {
            List<String> targets = new ArrayList<>();
            JsonNode dependsOn = service.getValue().path("depends_on");
            assertThat(dependsOn.isMissingNode() || dependsOn.isObject())
                    .as("%s's depends_on uses the long form, with conditions", service.getKey())
                    .isTrue();
            for (Map.Entry<String, JsonNode> dependency : entries(dependsOn)) {
                String target = dependency.getKey();
                assertThat(services.has(target))
                        .as("%s depends on an existing service %s", service.getKey(), target)
                        .isTrue();
                String condition = dependency.getValue().path("condition").asText();
                if (ONE_SHOT.contains(target)) {
                    assertThat(condition)
                            .as("%s waits for %s to finish", service.getKey(), target)
                            .isEqualTo("service_completed_successfully");
                } else if (services.get(target).has("healthcheck")) {
                    assertThat(condition)
                            .as("%s waits for %s to be healthy", service.getKey(), target)
                            .isEqualTo("service_healthy");
                }
                targets.add(target);
            }
            edges.put(service.getKey(), targets);
        }
        for (String start : edges.keySet()) {
            assertThat(reaches(edges, start, start, new HashSet<>()))
                    .as("a dependency cycle through %s", start)
                    .isFalse();
        }
    }

    @Test
    void theServersOthersWaitOnHaveHealthChecks() {
        for (String server : List.of("kafka", "schema-registry", "minio", "postgres", "trino")) {
            JsonNode check = services.get(server).path("healthcheck").path("test");
            assertThat(check.isArray() && check.size() >= 2)
                    .as("service %s has a health check command", server)
                    .isTrue();
            assertThat(check.get(0).asText()).isIn("CMD", "CMD-SHELL");
        }
    }

    @Test
    void publishedPortsAreDistinctAndVolumesDeclaredOrPresent() {
        Set<String> hostPorts = new HashSet<>();
        Set<String> declared = names(compose.path("volumes"));
        for (Map.Entry<String, JsonNode> service : entries(services)) {
            for (JsonNode port : service.getValue().path("ports")) {
                String host = port.asText().split(":")[0];
                assertThat(hostPorts.add(host))
                        .as("host port %s published once (service %s)", host, service.getKey())
                        .isTrue();
            }
            for (JsonNode volume : service.getValue().path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    assertThat(DEPLOY.resolve(source).normalize())
                            .as("bind mount of service %s", service.getKey())
                            .exists();
                } else {
                    assertThat(declared)
                            .as("named volume of service %s", service.getKey())
                            .contains(source);
                }
            }
        }
    }

    @Test
    void floeIsBuiltFromTheRepositoryWithTheDockerfile() throws IOException {
        JsonNode build = services.get("floe").get("build");
        Path context = DEPLOY.resolve(build.get("context").asText()).normalize();
        assertThat(context.resolve("pom.xml")).exists();
        assertThat(context.resolve(build.get("dockerfile").asText())).exists();
        assertThat(services.get("generator").get("image").asText())
                .as("the generator runs Floe's image")
                .isEqualTo(services.get("floe").get("image").asText());

        List<String> stages = new ArrayList<>();
        String user = null;
        String entrypoint = null;
        String cmd = null;
        for (String line : Files.readAllLines(DEPLOY.resolve("Dockerfile"))) {
            String trimmed = line.strip();
            if (trimmed.startsWith("FROM ")) {
                stages.add(trimmed);
                user = null;
            } else if (trimmed.startsWith("USER ")) {
                user = trimmed.substring(5).strip();
            } else if (trimmed.startsWith("ENTRYPOINT ")) {
                entrypoint = trimmed;
            } else if (trimmed.startsWith("CMD ")) {
                cmd = trimmed;
            }
        }
        assertThat(stages).as("a multi-stage build").hasSizeGreaterThanOrEqualTo(2);
        assertThat(stages.get(stages.size() - 1)).as("a JRE runtime image").contains("-jre");
        assertThat(user)
                .as("the runtime stage's user")
                .isNotNull()
                .doesNotStartWith("root")
                .doesNotStartWith("0");
        assertThat(entrypoint).contains("/opt/floe/bin/floe");
        assertThat(cmd).contains("/etc/floe/floe.yaml");
        assertThat(services.get("floe").get("volumes").toString())
                .as("the stack mounts the config where the image's command reads it")
                .contains(":/etc/floe/floe.yaml");
    }

    @Test
    void floesConfigInTheStackLoadsAndMatchesTrinosCatalog() throws IOException {
        Map<String, String> environment = environmentOf(services.get("floe"));
        FloeConfig config =
                new ConfigLoader(Sinks.installed(), environment::get, 2).load(DEPLOY.resolve("compose/floe.yaml"));

        // the endpoints Floe reaches are services of the stack
        assertThat(hostOf("//" + config.kafka().bootstrapServers())).isIn(names(services));
        Properties trino = new Properties();
        String catalogText = Files.readString(DEPLOY.resolve("compose/trino/catalog/iceberg.properties"));
        trino.load(new StringReader(catalogText));
        JsonNode floeYaml =
                new YAMLMapper().readTree(DEPLOY.resolve("compose/floe.yaml").toFile());
        JsonNode catalog = floeYaml.get("catalog");
        assertThat(trino.getProperty("iceberg.jdbc-catalog.catalog-name"))
                .isEqualTo(catalog.get("name").asText());
        assertThat(trino.getProperty("iceberg.jdbc-catalog.connection-url"))
                .isEqualTo(catalog.get("uri").asText());
        assertThat(trino.getProperty("iceberg.jdbc-catalog.default-warehouse-dir"))
                .isEqualTo(catalog.get("warehouse").asText());
        assertThat(trino.getProperty("s3.endpoint"))
                .isEqualTo(catalog.get("properties").get("s3.endpoint").asText());
        assertThat(hostOf(trino.getProperty("s3.endpoint"))).isIn(names(services));
        assertThat(hostOf(catalog.get("uri").asText().substring("jdbc:".length())))
                .isIn(names(services));
        // Trino reads its secrets from its environment, which the stack gives it
        Matcher references = Pattern.compile("\\$\\{ENV:([A-Z_]+)}").matcher(catalogText);
        Map<String, String> trinoEnvironment = environmentOf(services.get("trino"));
        while (references.find()) {
            assertThat(trinoEnvironment).containsKey(references.group(1));
        }

        // the buckets Floe writes to are the ones the stack creates
        String buckets = services.get("minio-buckets").get("command").toString();
        assertThat(buckets)
                .contains(
                        "demo/" + URI.create(catalog.get("warehouse").asText()).getHost());
        assertThat(buckets)
                .contains("demo/"
                        + URI.create(floeYaml.get("checkpoints").get("storage").asText())
                                .getHost());

        // the health check and the published port are the port Floe's HTTP API listens on
        String port = floeYaml.path("http").path("port").asText();
        assertThat(port).isNotEmpty();
        assertThat(services.get("floe").get("healthcheck").get("test").toString())
                .contains("/dev/tcp/127.0.0.1/" + port)
                .contains("/health/ready");
        assertThat(services.get("floe").get("ports").toString()).contains(port + ":" + port);

        // the generator feeds the topic the pipeline reads
        PipelineConfig pipeline = config.pipelines().get(0);
        List<String> generator = new ArrayList<>();
        services.get("generator").get("command").forEach(node -> generator.add(node.asText()));
        assertThat(generator).startsWith("generate");
        assertThat(pipeline.source().topics()).contains(generator.get(generator.indexOf("--topic") + 1));
    }

    /** The service's environment as the container sees it: compose's ${VAR:-default} resolved to its default. */
    private static Map<String, String> environmentOf(JsonNode service) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : entries(service.path("environment"))) {
            Matcher matcher = COMPOSE_VARIABLE.matcher(entry.getValue().asText());
            StringBuilder value = new StringBuilder();
            while (matcher.find()) {
                String fallback = matcher.group(2);
                assertThat(fallback)
                        .as(
                                "variable %s of the stack has a default, so `docker compose up` needs no set-up",
                                matcher.group(1))
                        .isNotNull();
                matcher.appendReplacement(value, Matcher.quoteReplacement(fallback));
            }
            matcher.appendTail(value);
            environment.put(entry.getKey(), value.toString());
        }
        return environment;
    }

    private static String hostOf(String uri) {
        return URI.create(uri).getHost();
    }

    private static boolean reaches(Map<String, List<String>> edges, String from, String target, Set<String> seen) {
        for (String next : edges.getOrDefault(from, List.of())) {
            if (next.equals(target) || (seen.add(next) && reaches(edges, next, target, seen))) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> names(JsonNode mapping) {
        Set<String> names = new HashSet<>();
        mapping.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<Map.Entry<String, JsonNode>> entries(JsonNode mapping) {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = mapping.fields(); it.hasNext(); ) {
            entries.add(it.next());
        }
        return entries;
    }
}
