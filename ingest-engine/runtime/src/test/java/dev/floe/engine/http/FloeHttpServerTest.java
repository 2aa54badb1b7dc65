package dev.floe.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.FloeConfig;
import dev.floe.engine.config.HttpConfig;
import dev.floe.engine.pipeline.RunMode;
import dev.floe.engine.testing.TestingSinkProvider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP server's own behaviour on a runtime without pipelines: health, metrics, error bodies
 * and the bearer token. Pipelines' status is tested against running ones in the it module.
 */
class FloeHttpServerTest {
    private static final String TOKEN = "0123456789abcdef-token";

    @TempDir
    Path directory;

    private final HttpClient client = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private FloeRuntime runtime;
    private FloeHttpServer server;

    @BeforeEach
    void startRuntime() {
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
        FloeConfig config =
                new ConfigLoader(new TestingSinkProvider(), Map.<String, String>of()::get, 1).parse("test.yaml", yaml);
        runtime = FloeRuntime.start(config, List.of(), Clock.systemUTC(), RunMode.CONTINUOUS);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        runtime.close();
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode body(HttpResponse<String> response) throws IOException {
        return json.readTree(response.body());
    }

    @Test
    void answersHealthPipelinesAndPrometheusMetricsWithoutAToken() throws Exception {
        server = FloeHttpServer.start(runtime, HttpConfig.open(0), Clock.systemUTC());

        HttpResponse<String> live = send("GET", "/health/live", null);
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(body(live).path("status").asText()).isEqualTo("UP");
        HttpResponse<String> ready = send("GET", "/health/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(body(ready).path("status").asText()).isEqualTo("READY");
        HttpResponse<String> pipelines = send("GET", "/api/pipelines", null);
        assertThat(pipelines.statusCode()).isEqualTo(200);
        assertThat(pipelines.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(body(pipelines).isArray()).isTrue();
        HttpResponse<String> metrics = send("GET", "/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        assertThat(metrics.body()).contains("# TYPE jvm_memory_used_bytes gauge", "process_uptime_seconds");
    }

    @Test
    void answersUnknownPipelinesAndPathsWithAJsonError() throws Exception {
        server = FloeHttpServer.start(runtime, HttpConfig.open(0), Clock.systemUTC());

        HttpResponse<String> pipeline = send("GET", "/api/pipelines/nope", null);
        assertThat(pipeline.statusCode()).isEqualTo(404);
        assertThat(body(pipeline).path("message").asText())
                .isEqualTo("Cannot find pipeline 'nope': this process runs []");
        HttpResponse<String> pause = send("POST", "/api/pipelines/nope/pause", null);
        assertThat(pause.statusCode()).isEqualTo(404);
        HttpResponse<String> path = send("GET", "/api/nothing-here", null);
        assertThat(path.statusCode()).isEqualTo(404);
        assertThat(body(path).path("message").asText()).isEqualTo("Cannot GET /api/nothing-here: no such endpoint");
    }

    @Test
    void refusesRequestsWithoutTheBearerTokenExceptHealth() throws Exception {
        server = FloeHttpServer.start(runtime, new HttpConfig(true, "127.0.0.1", 0, TOKEN, false), Clock.systemUTC());

        assertThat(send("GET", "/health/live", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/health/ready", null).statusCode()).isEqualTo(200);
        HttpResponse<String> missing = send("GET", "/api/pipelines", null);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"floe\"");
        assertThat(body(missing).path("message").asText())
                .isEqualTo("Cannot GET /api/pipelines: the API requires a bearer token (Authorization: Bearer"
                        + " <token>)");
        HttpResponse<String> wrong = send("GET", "/metrics", "not-the-token");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(body(wrong).path("message").asText()).isEqualTo("Cannot GET /metrics: the bearer token is wrong");
        assertThat(send("GET", "/api/pipelines", TOKEN).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/metrics", TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void letsReadsThroughWithoutATokenWhenAnonymousReadsAreAllowedButNotActions() throws Exception {
        server = FloeHttpServer.start(runtime, new HttpConfig(true, "127.0.0.1", 0, TOKEN, true), Clock.systemUTC());

        assertThat(send("GET", "/api/pipelines", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/metrics", null).statusCode()).isEqualTo(200);
        HttpResponse<String> action = send("POST", "/api/pipelines/unused/pause", null);
        assertThat(action.statusCode()).isEqualTo(401);
        assertThat(body(action).path("message").asText()).endsWith("for actions");
        assertThat(send("POST", "/api/pipelines/unused/pause", TOKEN).statusCode())
                .as("authenticated; the pipeline is not run by this process")
                .isEqualTo(404);
        HttpResponse<String> savepoint = send("POST", "/api/pipelines/unused/savepoints", null);
        assertThat(savepoint.statusCode()).as("a savepoint is an action").isEqualTo(401);
        assertThat(body(savepoint).path("message").asText())
                .startsWith("Cannot POST /api/pipelines/unused/savepoints: the API requires a bearer token");
        assertThat(send("POST", "/api/pipelines/unused/savepoints", TOKEN).statusCode())
                .isEqualTo(404);
    }
}
