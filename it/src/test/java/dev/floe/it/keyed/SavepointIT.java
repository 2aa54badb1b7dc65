package dev.floe.it.keyed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.engine.cli.FloeCli;
import dev.floe.iceberg.CatalogConfig;
import dev.floe.it.exactlyonce.FloeProcess;
import dev.floe.it.exactlyonce.TableProbe;
import dev.floe.it.servers.EmbeddedServers;
import dev.floe.it.servers.EmbeddedServersExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * Stop-with-savepoint as a Flink user does it, through {@code floe} itself: a keyed window runs at
 * parallelism 4, {@code floe savepoint --and-stop} takes a savepoint over the HTTP API, the
 * checkpoint directory is wiped, more orders arrive, and {@code floe run --from-savepoint} at
 * parallelism 2 finishes the input. The table must be exactly what one uninterrupted run makes of
 * the same topic. Then, the table being past the savepoint, a second restore must be refused.
 */
@ExtendWith(EmbeddedServersExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SavepointIT {
    private static final String TOPIC = "savepoint-orders";
    private static final String TOKEN = "savepoint-secret";
    private static final Pattern API = Pattern.compile("HTTP API at (http://\\S+) ");

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aWindowRestoredFromASavepointAtAnotherParallelismEndsExactlyAsAnUninterruptedRun(EmbeddedServers servers)
            throws Exception {
        Path directory = servers.newDirectory("savepoint");
        Path savepoints = directory.resolve("savepoints");
        KeyedScenario.produce(servers, TOPIC, 10_000);
        Path config = config(servers, directory, "windowed", 4);

        String savepoint;
        try (FloeProcess floe = FloeProcess.run(config, Map.of(), "savepoint-windowed-1")) {
            String url = apiUrl(floe);
            await("the first orders read, as the API reports it")
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> recordsIn(url, "windowed") >= 10_000);

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = FloeCli.commandLine();
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(err));
            int exit = cli.execute(
                    "savepoint",
                    "--pipeline",
                    "windowed",
                    "--target",
                    savepoints.toString(),
                    "--and-stop",
                    "--url",
                    url,
                    "--token",
                    TOKEN);

            assertThat(exit).as("floe savepoint: " + err).isZero();
            savepoint = out.toString().trim();
            assertThat(Path.of(savepoint)).startsWith(savepoints).isDirectory();
            assertThat(floe.awaitExit(Duration.ofMinutes(1)))
                    .as("stopped with the savepoint; see " + floe.log())
                    .isZero();
        }
        deleteRecursively(directory.resolve("checkpoints"));
        KeyedScenario scenario = KeyedScenario.produce(servers, TOPIC, 10_000);

        try (FloeProcess restored = FloeProcess.start(
                "dev.floe.engine.cli.FloeCli",
                List.of(
                        "run",
                        "--config",
                        config.toString(),
                        "--from-savepoint",
                        savepoint,
                        "--parallelism",
                        "2",
                        "--until-end"),
                Map.of(),
                "savepoint-windowed-2")) {
            assertThat(restored.awaitExit(Duration.ofMinutes(3)))
                    .as("the restored bounded run exits 0; see " + restored.log())
                    .isZero();
            assertThat(Files.readString(restored.log())).contains("restores savepoint " + savepoint);
        }

        Path uninterruptedConfig = config(servers, directory, "uninterrupted", 3);
        try (FloeProcess uninterrupted = FloeProcess.start(
                "dev.floe.engine.cli.FloeCli",
                List.of("run", "--config", uninterruptedConfig.toString(), "--until-end"),
                Map.of(),
                "savepoint-uninterrupted")) {
            assertThat(uninterrupted.awaitExit(Duration.ofMinutes(3)))
                    .as("the uninterrupted run exits 0; see " + uninterrupted.log())
                    .isZero();
        }
        Map<String, List<Object>> windowed = windows(table(directory, "windowed"));
        assertThat(windowed).isEqualTo(windows(table(directory, "uninterrupted")));
        Map<String, List<Long>> totals = new HashMap<>();
        windowed.forEach((customer, row) -> totals.put(customer, List.of((Long) row.get(2), (Long) row.get(3))));
        assertThat(totals).as("orders and quantity per customer").isEqualTo(scenario.expected);

        try (FloeProcess again = FloeProcess.start(
                "dev.floe.engine.cli.FloeCli",
                List.of("run", "--config", config.toString(), "--from-savepoint", savepoint, "--until-end"),
                Map.of(),
                "savepoint-windowed-3")) {
            assertThat(again.awaitExit(Duration.ofMinutes(2)))
                    .as("a restore behind the table fails; see " + again.log())
                    .isEqualTo(1);
            assertThat(Files.readString(again.log()))
                    .contains("Cannot restore pipeline windowed from savepoint " + savepoint + " (checkpoint ")
                    .contains("): iceberg table it.it.windowed already holds checkpoint ")
                    .contains("would count the records in between twice");
        }
    }

    /** Each customer's one window: its start, end, orders and quantity. */
    private static Map<String, List<Object>> windows(TableProbe table) {
        Map<String, List<Object>> rows = new HashMap<>();
        for (Record row : table.rows()) {
            String customer = (String) row.getField("customer_id");
            List<Object> window = new ArrayList<>();
            window.add(row.getField("window_start"));
            window.add(row.getField("window_end"));
            window.add(((Number) row.getField("orders")).longValue());
            window.add(((Number) row.getField("quantity")).longValue());
            assertThat(rows.put(customer, window))
                    .as("customer " + customer + " has one window")
                    .isNull();
        }
        assertThat(rows).isNotEmpty();
        return rows;
    }

    private static TableProbe table(Path directory, String pipeline) {
        return new TableProbe(catalog(directory), "it." + pipeline);
    }

    private static CatalogConfig catalog(Path directory) {
        return new CatalogConfig(
                "it",
                "jdbc",
                "jdbc:sqlite:" + directory.resolve("catalog.db"),
                directory.resolve("warehouse").toUri().toString(),
                Map.of());
    }

    /**
     * A pipeline counting orders and summing quantities per customer in one window wider than any
     * test run, so it fires only when a bounded run's input ends: its state is everything read.
     */
    private static Path config(EmbeddedServers servers, Path directory, String pipeline, int parallelism) {
        CatalogConfig catalog = catalog(directory);
        Path config = directory.resolve(pipeline + ".yaml");
        try {
            Files.writeString(config, """
                    kafka:
                      bootstrapServers: %s
                    schemaRegistry:
                      url: %s
                    catalog:
                      name: it
                      type: jdbc
                      uri: %s
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
                        parallelism: %d
                        source:
                          topics: [%s]
                          startFrom: earliest
                        eventTime:
                          field: event_time
                          maxOutOfOrderness: 5s
                        window:
                          type: tumbling
                          size: 36500d
                          keyBy: [customer_id]
                          aggregates:
                            - {name: orders, function: count}
                            - {name: quantity, function: sum, field: quantity}
                        sink:
                          table: it.%s
                    """.formatted(
                            servers.broker().bootstrapServers(),
                            servers.registry().url(),
                            catalog.uri(),
                            catalog.warehouse(),
                            directory.resolve("checkpoints"),
                            TOKEN,
                            pipeline,
                            parallelism,
                            TOPIC,
                            pipeline));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return config;
    }

    private static String apiUrl(FloeProcess floe) {
        String[] url = new String[1];
        await("the HTTP API's address in " + floe.log())
                .atMost(Duration.ofMinutes(1))
                .until(() -> {
                    if (!Files.exists(floe.log())) {
                        return false;
                    }
                    if (!floe.isAlive()) {
                        throw new AssertionError("Floe exited before serving its API; see " + floe.log());
                    }
                    Matcher matcher = API.matcher(Files.readString(floe.log()));
                    if (matcher.find()) {
                        url[0] = matcher.group(1);
                        return true;
                    }
                    return false;
                });
        return url[0];
    }

    private long recordsIn(String url, String pipeline) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url + "/api/pipelines/" + pipeline))
                        .header("Authorization", "Bearer " + TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return 0;
        }
        long records = 0;
        for (JsonNode operator : json.readTree(response.body()).path("operators")) {
            records += operator.path("recordsIn").asLong();
        }
        return records;
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
