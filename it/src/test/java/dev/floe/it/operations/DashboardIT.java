package dev.floe.it.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.config.HttpConfig;
import dev.floe.engine.http.FloeHttpServer;
import dev.floe.it.node.NodeProject;
import dev.floe.it.servers.EmbeddedServers;
import dev.floe.it.servers.EmbeddedServersExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard in a real browser: headless Chromium driven by Playwright (both installed from npm
 * by the test; the browser is Debian's chromium package where it is installed, otherwise npm's
 * Chromium build, so a fresh machine needs nothing) opens the page Floe serves while orders stream
 * in, and sees the pipeline, its throughput and a committed checkpoint; then it presses the table's
 * "Compact now" button and sees the run and the table's file-size histogram, which must agree with
 * what the API keeps. The screenshot is saved as target/dashboard.png.
 */
@ExtendWith(EmbeddedServersExtension.class)
class DashboardIT {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardIT.class);
    private static final String TOPIC = "dashboard-orders";
    private static final String PIPELINE = "dashboard-orders";
    private static final String TABLE = "dashboard.orders";
    private static final Duration BROWSER_TIMEOUT = Duration.ofMinutes(4);
    private final ObjectMapper json = new ObjectMapper();

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final Path directory;

    DashboardIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, EmbeddedServers servers) {
        this.broker = broker;
        this.registry = registry;
        this.directory = servers.newDirectory("dashboard");
    }

    @Test
    void showsThePipelineItsThroughputACommittedCheckpointAndACompactionRunLive() throws Exception {
        NodeProject browser = NodeProject.prepare(
                "dashboard",
                List.of("package.json", "dashboard-check.js"),
                Path.of(System.getProperty("floe.it.npmDir", "target/npm-interop"))
                        .resolveSibling("npm-dashboard"));

        String yaml = """
                kafka:
                  bootstrapServers: %s
                schemaRegistry:
                  url: %s
                catalog:
                  name: dashboard
                  type: jdbc
                  uri: jdbc:sqlite:%s
                  warehouse: %s
                checkpoints:
                  interval: 1s
                  storage: %s
                pipelines:
                  - id: %s
                    parallelism: 2
                    source:
                      topics: [%s]
                      startFrom: earliest
                    sink:
                      table: dashboard.orders
                compaction:
                  enabled: true
                  checkInterval: 1h
                  tables:
                    - table: dashboard.orders
                      minInputFiles: 2
                """.formatted(
                        broker.bootstrapServers(),
                        registry.url(),
                        directory.resolve("catalog.db"),
                        directory.resolve("warehouse").toUri(),
                        directory.resolve("checkpoints"),
                        PIPELINE,
                        TOPIC);
        FloeConfig config = new ConfigLoader(Sinks.installed(), name -> null, 2).parse("dashboard.yaml", yaml);
        AtomicBoolean producing = new AtomicBoolean(true);
        try (OrdersGenerator generator = OrdersGenerator.start(
                        OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), TOPIC)
                                .withPartitions(2)
                                .withMalformedFraction(0.01));
                FloeRuntime runtime = FloeRuntime.start(config, Clock.systemUTC());
                FloeHttpServer server = FloeHttpServer.start(runtime, HttpConfig.open(0), Clock.systemUTC())) {
            // orders keep coming while the page is open, so it has throughput to show
            CompletableFuture<Void> production = CompletableFuture.runAsync(() -> {
                while (producing.get()) {
                    generator.produce(2_000);
                }
            });
            try {
                Path screenshot = Path.of("target", "dashboard.png").toAbsolutePath();
                Files.createDirectories(screenshot.getParent());
                List<String> printed = browser.runScript(
                        "dashboard-check.js",
                        BROWSER_TIMEOUT,
                        server.url() + "/",
                        PIPELINE,
                        screenshot.toString(),
                        TABLE);
                JsonNode seen = json.readTree(printed.get(printed.size() - 1));
                LOG.info("The dashboard in {} showed {}; screenshot in {}", seen.get("browser"), seen, screenshot);

                assertThat(seen.get("name").asText()).isEqualTo(PIPELINE);
                assertThat(seen.get("state").asText()).isEqualTo("RUNNING");
                assertThat(seen.get("recordsIn").asText()).isNotEqualTo("0");
                assertThat(seen.get("throughput").asText()).isNotEqualTo("0/s");
                assertThat(seen.get("firstTable").asText()).isEqualTo("dashboard.orders");
                assertThat(seen.get("operatorRows").asInt())
                        .as("a header and one row per source subtask")
                        .isEqualTo(3);
                assertThat(seen.get("charts").asInt()).isEqualTo(1);
                assertThat(seen.get("connection").asText()).startsWith("live");
                assertThat(screenshot).isNotEmptyFile();

                // the compaction the page asked for, as the API keeps it
                JsonNode runs = json.readTree(HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(server.url() + "/api/tables/" + TABLE + "/compactions"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                JsonNode requested = null;
                for (JsonNode run : runs) {
                    if (run.path("trigger").asText().equals("request")) {
                        requested = run;
                    }
                }
                assertThat(requested).as("a requested run in %s", runs).isNotNull();
                assertThat(seen.get("table").asText()).isEqualTo(TABLE);
                assertThat(seen.get("compactionTrigger").asText()).isEqualTo("request");
                assertThat(seen.get("compactionOutcome").asText())
                        .isEqualTo(requested.path("outcome").asText())
                        .isIn("COMMITTED", "PARTIAL");
                assertThat(seen.get("compactionFiles").asText().replace(",", ""))
                        .isEqualTo(requested.path("filesBefore").asLong() + " → "
                                + requested.path("filesAfter").asLong());
                assertThat(requested.path("rewrittenFiles").asLong()).isGreaterThan(1);
                assertThat(seen.get("compactionResult").asText())
                        .startsWith(requested.path("outcome").asText() + ": ");
                assertThat(seen.get("histogramBuckets").asInt()).isEqualTo(10);
                assertThat(seen.get("histogramFiles").asLong()).isPositive();
                assertThat(seen.get("filesSummary").asText().replace(",", ""))
                        .startsWith(seen.get("histogramFiles").asLong() + " data files");
            } finally {
                producing.set(false);
                production.join();
            }
        }
    }
}
