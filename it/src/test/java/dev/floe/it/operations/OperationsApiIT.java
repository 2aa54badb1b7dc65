package dev.floe.it.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.deploy.demo.GeneratorReport;
import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.cli.FloeCli;
import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.http.FloeHttpServer;
import dev.floe.it.servers.EmbeddedServers;
import dev.floe.it.servers.EmbeddedServersExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Operating a running Floe: its HTTP API (status codes, JSON shapes, the bearer token), its
 * Prometheus metrics after a run (counters agree with the rows in the table), the actions, and
 * the {@code floe status} and {@code floe validate --connect} commands against it.
 */
@ExtendWith(EmbeddedServersExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsApiIT {
    private static final String TOPIC = "ops-orders";
    private static final String TABLE = "ops.orders";
    private static final String PIPELINE = "ops-orders";
    private static final String TOKEN = "operations-it-token-0123456789";
    private static final int ORDERS = 3_000;

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final Path directory;
    private final HttpClient client = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private Path configFile;
    private OrdersGenerator generator;
    private FloeRuntime runtime;
    private FloeHttpServer server;
    private GeneratorReport produced;
    private Catalog catalog;

    OperationsApiIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, EmbeddedServers servers) {
        this.broker = broker;
        this.registry = registry;
        this.directory = servers.newDirectory("operations-api");
    }

    @BeforeAll
    void startFloeAndIngest() throws Exception {
        generator = OrdersGenerator.start(OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), TOPIC)
                .withPartitions(2)
                .withMalformedFraction(0.01));
        produced = generator.produce(ORDERS);
        configFile = directory.resolve("floe.yaml");
        Files.writeString(configFile, yaml(TOPIC));
        FloeConfig config = new ConfigLoader(Sinks.installed(), name -> null, 2).load(configFile);
        catalog = new dev.floe.iceberg.CatalogConfig(
                        "ops",
                        "jdbc",
                        "jdbc:sqlite:" + directory.resolve("catalog.db"),
                        directory.resolve("warehouse").toUri().toString(),
                        Map.of())
                .load();
        runtime = FloeRuntime.start(config, Clock.systemUTC());
        server = FloeHttpServer.start(runtime, config.http(), Clock.systemUTC());
        await("every order committed or dead-lettered, as the API reports it")
                .atMost(Duration.ofMinutes(3))
                .until(() -> {
                    JsonNode pipeline = get("/api/pipelines/" + PIPELINE, TOKEN).body;
                    long committed =
                            pipeline.path("tables").path(0).path("records").asLong();
                    long deadLetters =
                            pipeline.path("deadLetters").path("total").asLong();
                    return committed + deadLetters == produced.produced();
                });
    }

    private String yaml(String topic) {
        return """
                kafka:
                  bootstrapServers: %s
                schemaRegistry:
                  url: %s
                catalog:
                  name: ops
                  type: jdbc
                  uri: jdbc:sqlite:%s
                  warehouse: %s
                checkpoints:
                  interval: 1s
                  storage: %s
                http:
                  host: 127.0.0.1
                  port: 0
                  token: %s
                pipelines:
                  - id: %s
                    parallelism: 2
                    source:
                      topics: [%s]
                      startFrom: earliest
                    sink:
                      table: %s
                compaction:
                  enabled: true
                  checkInterval: 1h
                  tables:
                    - table: %s
                      minInputFiles: 2
                """.formatted(
                        broker.bootstrapServers(),
                        registry.url(),
                        directory.resolve("catalog.db"),
                        directory.resolve("warehouse").toUri(),
                        directory.resolve("checkpoints"),
                        TOKEN,
                        PIPELINE,
                        topic,
                        TABLE,
                        TABLE);
    }

    @AfterAll
    void stopFloe() {
        if (server != null) {
            server.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (generator != null) {
            generator.close();
        }
    }

    private record Answer(int status, JsonNode body, String text) {}

    private Answer get(String path, String token) throws Exception {
        return send("GET", path, token);
    }

    private Answer send(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String type = response.headers().firstValue("Content-Type").orElse("");
        JsonNode body = type.startsWith("application/json") ? json.readTree(response.body()) : null;
        return new Answer(response.statusCode(), body, response.body());
    }

    private long tableRows() throws Exception {
        Table table = catalog.loadTable(TableIdentifier.parse(TABLE));
        table.refresh();
        long rows = 0;
        try (CloseableIterable<Record> records =
                IcebergGenerics.read(table).select("order_id").build()) {
            for (Record ignored : records) {
                rows++;
            }
        }
        return rows;
    }

    @Test
    @Order(1)
    void reportsTheRunningPipelineWithLagCheckpointsCommitsAndDeadLetters() throws Exception {
        Answer ready = get("/health/ready", null);
        assertThat(ready.status).isEqualTo(200);
        assertThat(ready.body.path("status").asText()).isEqualTo("READY");

        Answer answer = get("/api/pipelines", TOKEN);
        assertThat(answer.status).isEqualTo(200);
        assertThat(answer.body.isArray()).isTrue();
        assertThat(answer.body).hasSize(1);
        JsonNode pipeline = answer.body.get(0);
        assertThat(pipeline.path("id").asText()).isEqualTo(PIPELINE);
        assertThat(pipeline.path("state").asText()).isEqualTo("RUNNING");
        assertThat(pipeline.path("held").asBoolean()).isFalse();
        assertThat(pipeline.path("parallelism").asInt()).isEqualTo(2);
        assertThat(pipeline.path("sink").asText()).isEqualTo("iceberg table ops." + TABLE);

        long recordsIn = 0;
        for (JsonNode operator : pipeline.path("operators")) {
            assertThat(operator.path("operator").asText()).isEqualTo("source");
            recordsIn += operator.path("recordsIn").asLong();
            assertThat(operator.path("bytesIn").asLong()).isPositive();
            assertThat(operator.path("watermark").asText()).isNotEmpty();
        }
        assertThat(recordsIn).isEqualTo(produced.produced());

        List<String> partitions = new ArrayList<>();
        for (JsonNode partition : pipeline.path("lag")) {
            partitions.add(partition.path("topic").asText() + "-"
                    + partition.path("partition").asInt());
            assertThat(partition.path("lag").asLong()).as("everything was read").isZero();
        }
        assertThat(partitions).containsExactly(TOPIC + "-0", TOPIC + "-1");

        JsonNode checkpoints = pipeline.path("checkpoints");
        assertThat(checkpoints.path("lastCommitted").asLong()).isPositive();
        assertThat(checkpoints.path("completed").asLong()).isPositive();
        JsonNode history = checkpoints.path("history");
        assertThat(history.isArray()).isTrue();
        JsonNode committed = null;
        for (JsonNode checkpoint : history) {
            assertThat(checkpoint.fieldNames())
                    .toIterable()
                    .contains("id", "triggeredAt", "durationMillis", "records", "bytes", "status");
            if (checkpoint.path("status").asText().equals("COMMITTED")
                    && checkpoint.path("records").asLong() > 0) {
                committed = checkpoint;
            }
        }
        assertThat(committed)
                .as("a committed checkpoint with rows in %s", history)
                .isNotNull();
        assertThat(committed.path("bytes").asLong()).isPositive();

        JsonNode table = pipeline.path("tables").path(0);
        assertThat(table.path("table").asText()).isEqualTo(TABLE);
        assertThat(table.path("records").asLong()).isEqualTo(produced.valid()).isEqualTo(tableRows());
        assertThat(table.path("files").asLong()).isPositive();
        assertThat(table.path("commits").asLong()).isPositive();
        assertThat(table.path("failures").asLong()).isZero();

        JsonNode deadLetters = pipeline.path("deadLetters");
        assertThat(deadLetters.path("total").asLong())
                .isEqualTo(produced.malformed())
                .isPositive();
        long byCode = 0;
        for (JsonNode count : deadLetters.path("byCode")) {
            byCode += count.asLong();
        }
        assertThat(byCode).isEqualTo(produced.malformed());
        JsonNode latest = deadLetters.path("latest").path(0);
        assertThat(latest.path("location").asText()).startsWith(TOPIC + "-");
        assertThat(latest.path("reason").asText()).isNotEmpty();
    }

    @Test
    @Order(2)
    void exposesPrometheusMetricsThatAgreeWithTheRowsInTheTable() throws Exception {
        Answer scraped = get("/metrics", TOKEN);
        assertThat(scraped.status).isEqualTo(200);
        PrometheusSamples metrics = new PrometheusSamples(scraped.text);
        Map<String, String> pipeline = Map.of("pipeline", PIPELINE);
        long rows = tableRows();

        assertThat(metrics.sum("floe_records_in_total", Map.of("pipeline", PIPELINE, "operator", "source")))
                .isEqualTo(produced.produced());
        assertThat(metrics.sum("floe_records_out_total", Map.of("pipeline", PIPELINE, "operator", "source")))
                .as("rows handed to the sink writers")
                .isEqualTo(rows);
        assertThat(metrics.sum("floe_table_commit_records_total", Map.of("pipeline", PIPELINE, "table", TABLE)))
                .isEqualTo(rows);
        assertThat(metrics.sum("floe_dead_letters_total", pipeline)).isEqualTo(produced.malformed());
        assertThat(metrics.sum("floe_source_read_bytes_total", pipeline))
                .isGreaterThanOrEqualTo(produced.payloadBytes());
        assertThat(metrics.sum("floe_consumer_lag_records", pipeline)).isZero();
        assertThat(metrics.find("floe_consumer_lag_records", pipeline)).hasSize(2);
        assertThat(metrics.sum("floe_checkpoints_total", Map.of("pipeline", PIPELINE, "result", "completed")))
                .isPositive();
        assertThat(metrics.sum("floe_checkpoint_duration_seconds_count", pipeline))
                .isPositive();
        assertThat(metrics.sum("floe_checkpoint_size_bytes_sum", pipeline)).isPositive();
        assertThat(metrics.sum("floe_table_commit_duration_seconds_count", Map.of("table", TABLE)))
                .isPositive();
        double files = metrics.sum("floe_table_commit_files_total", Map.of("table", TABLE));
        assertThat(files).isPositive();
        assertThat(metrics.sum("floe_table_file_size_bytes_count", Map.of("table", TABLE)))
                .isEqualTo(files);
        assertThat(metrics.find("floe_table_file_size_bytes_bucket", Map.of("table", TABLE, "le", "+Inf")))
                .singleElement()
                .satisfies(bucket -> assertThat(bucket.value()).isEqualTo(files));
        assertThat(metrics.sum("floe_pipeline_state", Map.of("pipeline", PIPELINE, "state", "RUNNING")))
                .isEqualTo(1);
        assertThat(metrics.find("floe_watermark_delay_seconds", pipeline)).hasSize(2);
        assertThat(metrics.has("floe_exchange_backpressure_seconds_total")).isTrue();
        assertThat(metrics.has("jvm_memory_used_bytes")).isTrue();
        assertThat(metrics.has("jvm_gc_pause_seconds_count") || metrics.has("jvm_gc_memory_allocated_bytes_total"))
                .isTrue();
    }

    @Test
    @Order(3)
    void refusesRequestsWithoutTheTokenButAnswersHealth() throws Exception {
        assertThat(get("/health/live", null).status).isEqualTo(200);
        Answer pipelines = get("/api/pipelines", null);
        assertThat(pipelines.status).isEqualTo(401);
        assertThat(pipelines.body.path("message").asText()).contains("requires a bearer token");
        assertThat(get("/metrics", "wrong-token").status).isEqualTo(401);
        assertThat(send("POST", "/api/pipelines/" + PIPELINE + "/checkpoints", null).status)
                .isEqualTo(401);
        Answer unknown = get("/api/pipelines/nope", TOKEN);
        assertThat(unknown.status).isEqualTo(404);
        assertThat(unknown.body.path("message").asText())
                .isEqualTo("Cannot find pipeline 'nope': this process runs [" + PIPELINE + "]");
    }

    @Test
    @Order(4)
    void triggersACheckpointAndHoldsAndReleasesTheSources() throws Exception {
        Answer triggered = send("POST", "/api/pipelines/" + PIPELINE + "/checkpoints", TOKEN);
        assertThat(triggered.status).isEqualTo(202);
        long id = triggered.body.path("checkpointId").asLong();
        assertThat(id).isPositive();
        await("checkpoint " + id + " committed").atMost(Duration.ofMinutes(1)).until(() -> {
            for (JsonNode checkpoint : get("/api/pipelines/" + PIPELINE, TOKEN)
                    .body
                    .path("checkpoints")
                    .path("history")) {
                if (checkpoint.path("id").asLong() == id) {
                    return checkpoint.path("status").asText().equals("COMMITTED");
                }
            }
            return false;
        });

        Answer paused = send("POST", "/api/pipelines/" + PIPELINE + "/pause", TOKEN);
        assertThat(paused.status).isEqualTo(200);
        assertThat(paused.body.path("held").asBoolean()).isTrue();
        await("every source subtask holding")
                .atMost(Duration.ofMinutes(1))
                .until(() -> get("/api/pipelines/" + PIPELINE, TOKEN)
                        .body
                        .path("sourcesHeld")
                        .asBoolean());
        long before = tableRows();
        GeneratorReport more = generator.produce(500);
        // held: the new orders wait in Kafka, visible as lag, while checkpoints go on
        await("the new orders waiting as lag").atMost(Duration.ofMinutes(1)).until(() -> {
            long lag = 0;
            for (JsonNode partition :
                    get("/api/pipelines/" + PIPELINE, TOKEN).body.path("lag")) {
                lag += partition.path("lag").asLong();
            }
            return lag == more.produced();
        });
        assertThat(tableRows()).isEqualTo(before);
        assertThat(new PrometheusSamples(get("/metrics", TOKEN).text)
                        .sum("floe_pipeline_held", Map.of("pipeline", PIPELINE)))
                .isEqualTo(1);

        Answer resumed = send("POST", "/api/pipelines/" + PIPELINE + "/resume", TOKEN);
        assertThat(resumed.status).isEqualTo(200);
        assertThat(resumed.body.path("held").asBoolean()).isFalse();
        await("the held orders committed")
                .atMost(Duration.ofMinutes(2))
                .until(() -> tableRows() == before + more.valid());
    }

    @Test
    @Order(5)
    void compactsATableOnRequestAndReportsItsRunsAndFileSizes() throws Exception {
        Table table = catalog.loadTable(TableIdentifier.parse(TABLE));
        table.refresh();
        long snapshot = table.currentSnapshot().snapshotId();
        long rows = tableRows();
        String compactions = "/api/tables/" + TABLE + "/compactions";

        Answer sizes = get("/api/tables/" + TABLE + "/files", TOKEN);
        assertThat(sizes.status).isEqualTo(200);
        long filesBefore = sizes.body.path("files").asLong();
        assertThat(filesBefore).as("a file per subtask and checkpoint").isGreaterThan(2);
        long bucketed = 0;
        for (JsonNode bucket : sizes.body.path("buckets")) {
            bucketed += bucket.path("files").asLong();
        }
        assertThat(bucketed).isEqualTo(filesBefore);
        assertThat(sizes.body.path("buckets").path(0).path("le").asLong()).isEqualTo(16 * 1024);

        Answer plan = send("POST", compactions + "?dryRun=true", TOKEN);
        assertThat(plan.status).isEqualTo(200);
        assertThat(plan.body.path("outcome").asText()).isEqualTo("PLANNED");
        assertThat(plan.body.path("rewrittenFiles").asLong()).isPositive();
        assertThat(plan.body.path("groups").size()).isPositive();
        table.refresh();
        assertThat(table.currentSnapshot().snapshotId())
                .as("a dry run commits nothing")
                .isEqualTo(snapshot);

        assertThat(send("POST", compactions, null).status).isEqualTo(401);
        Answer unknown = send("POST", "/api/tables/ops.nope/compactions", TOKEN);
        assertThat(unknown.status).isEqualTo(404);
        assertThat(unknown.body.path("message").asText())
                .isEqualTo("Cannot find table 'ops.nope': this process compacts [" + TABLE + "]");
        assertThat(send("POST", compactions + "?dryRun=maybe", TOKEN).status).isEqualTo(400);

        Answer run = send("POST", compactions, TOKEN);
        assertThat(run.status).isEqualTo(200);
        JsonNode done = run.body;
        assertThat(done.path("table").asText()).isEqualTo(TABLE);
        assertThat(done.path("trigger").asText()).isEqualTo("request");
        assertThat(done.path("outcome").asText()).isIn("COMMITTED", "PARTIAL");
        assertThat(done.path("rewrittenFiles").asLong()).isPositive();
        assertThat(done.path("rewrittenBytes").asLong()).isPositive();
        assertThat(done.path("addedFiles").asLong()).isPositive();
        assertThat(done.path("filesAfter").asLong())
                .isLessThan(done.path("filesBefore").asLong());
        assertThat(done.fieldNames())
                .toIterable()
                .contains("startedAt", "durationMillis", "addedBytes", "snapshotId", "groups");
        assertThat(tableRows()).as("compaction keeps every row").isEqualTo(rows);

        Answer history = get(compactions, TOKEN);
        assertThat(history.status).isEqualTo(200);
        assertThat(history.body).hasSize(1);
        assertThat(history.body.get(0)).isEqualTo(done);
        Answer listed = get("/api/tables", TOKEN);
        assertThat(listed.body).hasSize(1);
        assertThat(listed.body.get(0).path("table").asText()).isEqualTo(TABLE);
        assertThat(listed.body.get(0).path("compactions").get(0)).isEqualTo(done);
        JsonNode after = listed.body.get(0).path("fileSizes");
        table.refresh();
        assertThat(after.path("snapshotId").asLong())
                .isNotEqualTo(snapshot)
                .isEqualTo(table.currentSnapshot().snapshotId());
        assertThat(after.path("files").asLong()).isLessThan(filesBefore);
    }

    @Test
    @Order(6)
    void floeStatusPrintsThePipelinesFromTheApi() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FloeCli.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute("status", "--url", server.url(), "--token", TOKEN);
        assertThat(code).as("exit code; stderr: %s", err).isZero();
        assertThat(out.toString()).contains("PIPELINE", PIPELINE, "RUNNING", "table " + TABLE + ":");

        StringWriter jsonOut = new StringWriter();
        int jsonCode = FloeCli.commandLine()
                .setOut(new PrintWriter(jsonOut))
                .execute("status", "--url", server.url(), "--token", TOKEN, "--json");
        assertThat(jsonCode).isZero();
        assertThat(jsonOut.toString()).startsWith("[{\"id\":\"" + PIPELINE + "\"");

        StringWriter refusedErr = new StringWriter();
        int refused = FloeCli.commandLine()
                .setErr(new PrintWriter(refusedErr))
                .execute("status", "--url", server.url(), "--token", "");
        assertThat(refused).isEqualTo(FloeCli.EXIT_FAILURE);
        assertThat(refusedErr.toString()).contains("HTTP 401");
    }

    @Test
    @Order(7)
    void floeValidateConnectsToKafkaTheRegistryAndTheCatalog() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FloeCli.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute("validate", "--config", configFile.toString(), "--connect");
        assertThat(code).as("exit code; out: %s; err: %s", out, err).isZero();
        assertThat(out.toString())
                .contains(
                        "valid, 1 pipeline",
                        "ok kafka: pipeline " + PIPELINE + " reads [" + TOPIC + "] (2 partitions)",
                        "ok schema registry: subject " + TOPIC + "-value",
                        "holds checkpoint ",
                        "Every check passed");

        Path missingTopic = directory.resolve("missing-topic.yaml");
        Files.writeString(missingTopic, yaml("no-such-topic"));
        StringWriter missingOut = new StringWriter();
        StringWriter missingErr = new StringWriter();
        int missing = FloeCli.commandLine()
                .setOut(new PrintWriter(missingOut))
                .setErr(new PrintWriter(missingErr))
                .execute("validate", "--config", missingTopic.toString(), "--connect");
        assertThat(missing).isEqualTo(FloeCli.EXIT_FAILURE);
        assertThat(missingErr.toString()).contains("FAILED kafka: pipeline " + PIPELINE + " reads [no-such-topic]");
        assertThat(missingOut.toString()).contains("warning schema registry: no subject no-such-topic-value");

        // --json: one document with each check's result, for scripts
        StringWriter jsonOut = new StringWriter();
        int jsonCode = FloeCli.commandLine()
                .setOut(new PrintWriter(jsonOut))
                .execute("validate", "--config", missingTopic.toString(), "--connect", "--json");
        assertThat(jsonCode).isEqualTo(FloeCli.EXIT_FAILURE);
        JsonNode document = json.readTree(jsonOut.toString());
        assertThat(document.path("valid").asBoolean()).isTrue();
        assertThat(document.path("pipelines").get(0).asText()).isEqualTo(PIPELINE);
        List<String> checks = new ArrayList<>();
        for (JsonNode check : document.path("checks")) {
            checks.add(
                    check.path("target").asText() + " " + check.path("status").asText() + " "
                            + check.path("message").asText());
        }
        assertThat(checks)
                .anySatisfy(check ->
                        assertThat(check).startsWith("kafka FAILED pipeline " + PIPELINE + " reads [no-such-topic]: "));
        assertThat(checks)
                .contains("schema registry WARNING no subject no-such-topic-value for topic no-such-topic of pipeline "
                        + PIPELINE + " (fine if producers use another subject strategy; records are decoded"
                        + " by the schema id they carry)");
        assertThat(checks).anySatisfy(check -> assertThat(check).startsWith("sink OK pipeline " + PIPELINE));
    }
}
