package dev.floe.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.config.HttpConfig;
import dev.floe.engine.pipeline.RunMode;
import dev.floe.engine.spi.config.ConfigOption;
import dev.floe.engine.spi.config.ConfigSection;
import dev.floe.engine.spi.service.BackgroundService;
import dev.floe.engine.spi.service.CompactionInProgressException;
import dev.floe.engine.spi.service.CompactionRequest;
import dev.floe.engine.spi.service.CompactionRun;
import dev.floe.engine.spi.service.FileSizeDistribution;
import dev.floe.engine.spi.service.ServiceDefinition;
import dev.floe.engine.spi.service.ServiceProvider;
import dev.floe.engine.spi.service.TableCompactions;
import dev.floe.engine.testing.TestingSinkProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The table endpoints against a compactor of our own that the runtime finds as a background
 * service: what reaches it from a request, and how its answers and refusals become HTTP.
 */
class TableEndpointsTest {
    private static final String TOKEN = "0123456789abcdef-token";
    private static final String TABLE = "lake.orders";

    @TempDir
    Path directory;

    private final HttpClient client = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final TestingCompactor compactor = new TestingCompactor();
    private FloeRuntime runtime;
    private FloeHttpServer server;

    /** Keeps {@link #TABLE}; a run waits for {@link #release} when {@link #hold} is set. */
    private static final class TestingCompactor implements BackgroundService, TableCompactions {
        final List<CompactionRequest> requests = new ArrayList<>();
        final List<CompactionRun> runs = new ArrayList<>();
        final AtomicBoolean running = new AtomicBoolean();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean hold;

        @Override
        public Optional<TableCompactions> tableCompactions() {
            return Optional.of(this);
        }

        @Override
        public List<String> tables() {
            return List.of(TABLE);
        }

        @Override
        public CompactionRun compactNow(String table, CompactionRequest request) {
            if (!running.compareAndSet(false, true)) {
                throw new CompactionInProgressException("Cannot compact table " + table + ": a run is in progress");
            }
            try {
                synchronized (requests) {
                    requests.add(request);
                }
                if (hold) {
                    entered.countDown();
                    release.await(1, TimeUnit.MINUTES);
                }
                CompactionRun run = new CompactionRun(
                        table,
                        1_795_000_000_000L,
                        "request",
                        request.dryRun() ? CompactionRun.Outcome.PLANNED : CompactionRun.Outcome.COMMITTED,
                        7,
                        12,
                        request.dryRun() ? 12 : 2,
                        10,
                        1,
                        5_000,
                        request.dryRun() ? 0 : 4_000,
                        42,
                        List.of(new CompactionRun.Group("day=2026-11-22", 10, 5_000, 1, 4_000, "")),
                        "");
                if (!request.dryRun()) {
                    runs.add(0, run);
                }
                return run;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                running.set(false);
            }
        }

        @Override
        public List<CompactionRun> recentRuns(String table) {
            return List.copyOf(runs);
        }

        @Override
        public Optional<FileSizeDistribution> fileSizes(String table) {
            return Optional.of(
                    new FileSizeDistribution(table, 7, List.of(1024L, 4096L), List.of(3L, 0L, 1L), 4, 9_000));
        }

        @Override
        public void close() {}
    }

    private void start(boolean withCompactor) {
        String yaml = """
                kafka:
                  bootstrapServers: localhost:1
                schemaRegistry:
                  url: http://localhost:1
                checkpoints:
                  storage: %s
                store:
                  location: unused
                pipelines:
                  - id: unused
                    source:
                      topics: [unused]
                    sink:
                      table: demo.unused
                """.formatted(directory.resolve("checkpoints"));
        ServiceProvider provider = new ServiceProvider() {
            @Override
            public List<ConfigOption<?>> rootOptions() {
                return List.of();
            }

            @Override
            public ServiceDefinition configure(ConfigSection root) {
                return new ServiceDefinition() {
                    @Override
                    public String describe() {
                        return "testing compactor";
                    }

                    @Override
                    public boolean runsInBackground() {
                        return true;
                    }

                    @Override
                    public BackgroundService start(Clock clock) {
                        return compactor;
                    }
                };
            }
        };
        FloeConfig config = new ConfigLoader(
                        new TestingSinkProvider(),
                        withCompactor ? List.of(provider) : List.of(),
                        Map.<String, String>of()::get,
                        1)
                .parse("test.yaml", yaml);
        runtime = FloeRuntime.start(config, List.of(), Clock.systemUTC(), RunMode.CONTINUOUS);
        server = FloeHttpServer.start(runtime, new HttpConfig(true, "127.0.0.1", 0, TOKEN, true), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    private record Answer(int status, JsonNode body) {}

    private Answer send(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), json.readTree(response.body()));
    }

    @Test
    void runsACompactionWithTheRequestsDryRunAndPartitionsAndListsItsRuns() throws Exception {
        start(true);

        Answer plan = send(
                "POST",
                "/api/tables/" + TABLE + "/compactions?dryRun=true&partition=day=2026-11-22"
                        + "&partition=day=2026-11-21",
                TOKEN);
        assertThat(plan.status).isEqualTo(200);
        assertThat(plan.body.path("outcome").asText()).isEqualTo("PLANNED");
        Answer run = send("POST", "/api/tables/" + TABLE + "/compactions", TOKEN);
        assertThat(run.status).isEqualTo(200);
        assertThat(compactor.requests)
                .containsExactly(
                        new CompactionRequest(true, List.of("day=2026-11-22", "day=2026-11-21")),
                        new CompactionRequest(false, List.of()));

        JsonNode done = run.body;
        assertThat(done.path("table").asText()).isEqualTo(TABLE);
        assertThat(done.path("startedAt").asText()).isEqualTo("2026-11-18T11:06:40Z");
        assertThat(done.path("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(done.path("filesBefore").asLong()).isEqualTo(12);
        assertThat(done.path("filesAfter").asLong()).isEqualTo(2);
        assertThat(done.path("rewrittenBytes").asLong()).isEqualTo(5_000);
        assertThat(done.path("addedBytes").asLong()).isEqualTo(4_000);
        assertThat(done.path("durationMillis").asLong()).isEqualTo(42);
        assertThat(done.has("failure")).as("no failure, no field").isFalse();
        assertThat(done.path("groups").get(0).path("partition").asText()).isEqualTo("day=2026-11-22");

        Answer runs = send("GET", "/api/tables/" + TABLE + "/compactions", null);
        assertThat(runs.status).as("a read: anonymous reads are allowed").isEqualTo(200);
        assertThat(runs.body).containsExactly(done);
        Answer files = send("GET", "/api/tables/" + TABLE + "/files", null);
        assertThat(files.body.path("files").asLong()).isEqualTo(4);
        assertThat(files.body.path("buckets").toString())
                .isEqualTo("[{\"le\":1024,\"files\":3},{\"le\":4096,\"files\":0},{\"le\":\"+Inf\",\"files\":1}]");
        Answer tables = send("GET", "/api/tables", null);
        assertThat(tables.body).hasSize(1);
        assertThat(tables.body.get(0).path("table").asText()).isEqualTo(TABLE);
        assertThat(tables.body.get(0).path("fileSizes")).isEqualTo(files.body);
        assertThat(tables.body.get(0).path("compactions")).isEqualTo(runs.body);
    }

    @Test
    void refusesWithoutTheTokenAnUnknownTableABadDryRunAndASecondRunWhileOneIsInProgress() throws Exception {
        start(true);

        assertThat(send("POST", "/api/tables/" + TABLE + "/compactions", null).status)
                .as("an action")
                .isEqualTo(401);
        Answer unknown = send("POST", "/api/tables/lake.nope/compactions", TOKEN);
        assertThat(unknown.status).isEqualTo(404);
        assertThat(unknown.body.path("message").asText())
                .isEqualTo("Cannot find table 'lake.nope': this process compacts [lake.orders]");
        assertThat(send("GET", "/api/tables/lake.nope/compactions", TOKEN).status)
                .isEqualTo(404);
        Answer badDryRun = send("POST", "/api/tables/" + TABLE + "/compactions?dryRun=yes", TOKEN);
        assertThat(badDryRun.status).isEqualTo(400);
        assertThat(badDryRun.body.path("message").asText())
                .isEqualTo("Cannot compact table lake.orders: dryRun must be true or false, not 'yes'");

        compactor.hold = true;
        CompletableFuture<Answer> first = CompletableFuture.supplyAsync(() -> {
            try {
                return send("POST", "/api/tables/" + TABLE + "/compactions", TOKEN);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(compactor.entered.await(1, TimeUnit.MINUTES)).isTrue();
        Answer second = send("POST", "/api/tables/" + TABLE + "/compactions", TOKEN);
        assertThat(second.status).isEqualTo(409);
        assertThat(second.body.path("message").asText())
                .isEqualTo("Cannot compact table lake.orders: a run is in progress");
        compactor.release.countDown();
        assertThat(first.get(1, TimeUnit.MINUTES).status).isEqualTo(200);
    }

    @Test
    void answersNoTablesAndA404WhenNoCompactorRuns() throws Exception {
        start(false);

        Answer tables = send("GET", "/api/tables", TOKEN);
        assertThat(tables.status).isEqualTo(200);
        assertThat(tables.body).isEmpty();
        Answer run = send("POST", "/api/tables/" + TABLE + "/compactions", TOKEN);
        assertThat(run.status).isEqualTo(404);
        assertThat(run.body.path("message").asText())
                .isEqualTo("Cannot find table 'lake.orders': no compactor runs in this process (compaction.enabled"
                        + " is false or compaction.tables is empty)");
    }
}
