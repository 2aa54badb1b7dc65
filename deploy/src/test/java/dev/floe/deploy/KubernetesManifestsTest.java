package dev.floe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests in deploy/k8s, checked for the mistakes that only show on a cluster:
 * selectors that match nothing, probes on ports that are not there, a config that does not load,
 * secrets the config needs but the Secret lacks, a grace period shorter than the final checkpoint.
 */
class KubernetesManifestsTest {
    private static final Path K8S = Path.of("k8s").toAbsolutePath();
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private static final Map<String, JsonNode> byKind = new HashMap<>();

    @BeforeAll
    static void readManifests() throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        JsonNode kustomization = yaml.readTree(K8S.resolve("kustomization.yaml").toFile());
        for (JsonNode resource : kustomization.get("resources")) {
            Path file = K8S.resolve(resource.asText());
            assertThat(file).as("a resource the kustomization lists").exists();
            JsonNode manifest = yaml.readTree(file.toFile());
            assertThat(manifest.path("apiVersion").asText())
                    .as("apiVersion of %s", file)
                    .isNotEmpty();
            assertThat(manifest.path("metadata").path("name").asText())
                    .as("name of %s", file)
                    .isNotEmpty();
            assertThat(byKind.put(manifest.get("kind").asText(), manifest))
                    .as("one %s", manifest.get("kind").asText())
                    .isNull();
        }
    }

    @Test
    void everyPartOfTheDeploymentIsThere() {
        assertThat(byKind).containsKeys("ConfigMap", "Secret", "Service", "StatefulSet", "PodDisruptionBudget");
    }

    @Test
    void selectorsMatchThePods() {
        JsonNode statefulSet = byKind.get("StatefulSet");
        Map<String, String> podLabels = strings(statefulSet.at("/spec/template/metadata/labels"));
        assertThat(podLabels).containsAllEntriesOf(strings(statefulSet.at("/spec/selector/matchLabels")));
        assertThat(podLabels).containsAllEntriesOf(strings(byKind.get("Service").at("/spec/selector")));
        assertThat(podLabels)
                .containsAllEntriesOf(strings(byKind.get("PodDisruptionBudget").at("/spec/selector/matchLabels")));
        assertThat(statefulSet.at("/spec/serviceName").asText())
                .isEqualTo(byKind.get("Service").at("/metadata/name").asText());
    }

    @Test
    void probesAndScrapingUseTheApiPort() {
        JsonNode pod = byKind.get("StatefulSet").at("/spec/template");
        JsonNode container = pod.at("/spec/containers/0");
        Map<String, Integer> ports = new HashMap<>();
        container
                .get("ports")
                .forEach(port -> ports.put(
                        port.get("name").asText(), port.get("containerPort").asInt()));

        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/health/live");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(ports)
                    .containsKey(container.at("/" + probe + "/httpGet/port").asText());
        }
        JsonNode annotations = pod.at("/metadata/annotations");
        assertThat(annotations.get("prometheus.io/scrape").asText()).isEqualTo("true");
        assertThat(annotations.get("prometheus.io/path").asText()).isEqualTo("/metrics");
        assertThat(Integer.parseInt(annotations.get("prometheus.io/port").asText()))
                .isEqualTo(ports.get("http"));
        assertThat(byKind.get("Service").at("/spec/ports/0/targetPort").asText())
                .isIn(ports.keySet());
    }

    @Test
    void theGracePeriodOutlastsTheFinalCheckpoint() {
        JsonNode pod = byKind.get("StatefulSet").at("/spec/template/spec");
        List<String> args = texts(pod.at("/containers/0/args"));
        Duration stopTimeout = Duration.ofSeconds(
                Long.parseLong(args.get(args.indexOf("--stop-timeout") + 1).replace("s", "")));
        assertThat(Duration.ofSeconds(pod.get("terminationGracePeriodSeconds").asLong()))
                .isGreaterThan(stopTimeout);
    }

    @Test
    void resourcesAreRequestedAndMemoryIsBounded() {
        JsonNode resources = byKind.get("StatefulSet").at("/spec/template/spec/containers/0/resources");
        assertThat(resources.at("/requests/cpu").asText()).isNotEmpty();
        assertThat(gibibytes(resources.at("/limits/memory").asText()))
                .isGreaterThanOrEqualTo(
                        gibibytes(resources.at("/requests/memory").asText()));
        // the JVM sizes its heap from the limit: a share, leaving room for RocksDB and direct buffers
        List<String> env = new ArrayList<>();
        byKind.get("StatefulSet")
                .at("/spec/template/spec/containers/0/env")
                .forEach(variable -> env.add(variable.get("name").asText() + "="
                        + variable.get("value").asText()));
        assertThat(env)
                .anyMatch(variable -> variable.startsWith("FLOE_JAVA_OPTS=") && variable.contains("MaxRAMPercentage"));
    }

    @Test
    void itRunsAsTheImagesUnprivilegedUserWithAWritableStateAndTmp() throws IOException {
        JsonNode spec = byKind.get("StatefulSet").at("/spec/template/spec");
        assertThat(spec.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        String dockerfile = Files.readString(K8S.resolveSibling("Dockerfile"));
        assertThat(dockerfile)
                .contains("--uid " + spec.at("/securityContext/runAsUser").asText());
        assertThat(spec.at("/containers/0/securityContext/readOnlyRootFilesystem")
                        .asBoolean())
                .isTrue();
        Set<String> mounted = new HashSet<>();
        spec.at("/containers/0/volumeMounts")
                .forEach(mount -> mounted.add(mount.get("mountPath").asText()));
        assertThat(mounted).contains("/tmp", "/var/lib/floe", "/etc/floe");
        Set<String> claims = new HashSet<>();
        byKind.get("StatefulSet")
                .at("/spec/volumeClaimTemplates")
                .forEach(claim -> claims.add(claim.at("/metadata/name").asText()));
        spec.at("/containers/0/volumeMounts").forEach(mount -> {
            String name = mount.get("name").asText();
            boolean declared = claims.contains(name);
            for (JsonNode volume : spec.get("volumes")) {
                declared |= volume.get("name").asText().equals(name);
            }
            assertThat(declared).as("volume %s is declared", name).isTrue();
        });
    }

    @Test
    void theConfigLoadsWithTheSecretsValuesAndNeedsNoOtherVariable() {
        JsonNode statefulSet = byKind.get("StatefulSet");
        JsonNode container = statefulSet.at("/spec/template/spec/containers/0");
        JsonNode secret = byKind.get("Secret");
        assertThat(container.at("/envFrom/0/secretRef/name").asText())
                .isEqualTo(secret.at("/metadata/name").asText());
        JsonNode configVolume = null;
        for (JsonNode volume : statefulSet.at("/spec/template/spec/volumes")) {
            if (volume.has("configMap")) {
                configVolume = volume;
            }
        }
        assertThat(configVolume).isNotNull();
        assertThat(configVolume.at("/configMap/name").asText())
                .isEqualTo(byKind.get("ConfigMap").at("/metadata/name").asText());
        List<String> args = texts(container.get("args"));
        String configPath = args.get(args.indexOf("--config") + 1);
        String key = Path.of(configPath).getFileName().toString();
        String text = byKind.get("ConfigMap").at("/data/" + key).asText();
        assertThat(text).as("the ConfigMap holds %s", key).isNotEmpty();

        Map<String, String> environment = strings(secret.get("stringData"));
        Matcher references = VARIABLE.matcher(text);
        while (references.find()) {
            assertThat(environment)
                    .as("the Secret provides ${%s}", references.group(1))
                    .containsKey(references.group(1));
        }
        FloeConfig config = new ConfigLoader(Sinks.installed(), environment::get, 2).parse("configmap floe.yaml", text);
        assertThat(config.pipelines()).isNotEmpty();
        assertThat(config.http().port())
                .as("the config's HTTP port is the container's")
                .isEqualTo(container.at("/ports/0/containerPort").asInt());
        assertThat(config.kafka().properties().get("sasl.jaas.config")).contains(environment.get("KAFKA_PASSWORD"));
    }

    private static double gibibytes(String quantity) {
        if (quantity.endsWith("Gi")) {
            return Double.parseDouble(quantity.substring(0, quantity.length() - 2));
        }
        if (quantity.endsWith("Mi")) {
            return Double.parseDouble(quantity.substring(0, quantity.length() - 2)) / 1024;
        }
        throw new AssertionError("a memory quantity in Mi or Gi: " + quantity);
    }

    private static Map<String, String> strings(JsonNode mapping) {
        Map<String, String> values = new HashMap<>();
        mapping.fields()
                .forEachRemaining(
                        entry -> values.put(entry.getKey(), entry.getValue().asText()));
        return values;
    }

    private static List<String> texts(JsonNode list) {
        List<String> values = new ArrayList<>();
        list.forEach(node -> values.add(node.asText()));
        return values;
    }
}
