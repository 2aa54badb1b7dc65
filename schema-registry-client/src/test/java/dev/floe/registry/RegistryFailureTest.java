package dev.floe.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.floe.registry.TestingRegistryServer.Response;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each failure becomes the exception that says what the caller must do, after retries only where
 * another attempt can help (connection errors, timeouts, 5xx, 429), with failover across URLs.
 */
class RegistryFailureTest {
    private static final int RETRIES = 2;

    private TestingRegistryServer server;

    @BeforeEach
    void start() throws IOException {
        server = TestingRegistryServer.http();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {40401, 40402, 40403})
    void notFoundCodesAreSchemaNotFoundAndNotRetried(int errorCode) {
        server.route("GET", "/schemas/ids/7", Response.error(404, errorCode, "Schema 7 not found"));

        Throwable thrown = catchThrowable(() -> call(server.url(), client -> client.schemaById(7)));

        assertThat(thrown)
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessage("Cannot get schema id 7: Schema 7 not found (error code " + errorCode + ", " + server.url()
                        + ")");
        assertThat(((SchemaRegistryException) thrown).errorCode()).isEqualTo(errorCode);
        assertThat(server.requests()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403})
    void refusedCredentialsAreFatalNamedButNotShownAndNotRetried(int status) {
        server.route("GET", "/subjects", Response.error(status, status, "Unauthorized"));
        RegistryClientConfig config =
                config(server.url()).withCredentials(new RegistryCredentials.Basic("alice", "s3cret"));

        Throwable thrown = catchThrowable(() -> call(config, SchemaRegistryClient::subjects));

        assertThat(thrown)
                .isInstanceOf(RegistryAuthenticationException.class)
                .hasMessage("Cannot list the subjects: the schema registry at " + server.url()
                        + " refused basic authentication as user 'alice' (HTTP " + status
                        + "); fix the schema registry credentials");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aRefusedBearerTokenIsNotShown() {
        server.route("GET", "/subjects", Response.error(401, 401, "Unauthorized"));
        RegistryClientConfig config = config(server.url()).withCredentials(new RegistryCredentials.Bearer("tok-123"));

        Throwable thrown = catchThrowable(() -> call(config, SchemaRegistryClient::subjects));

        assertThat(thrown).isInstanceOf(RegistryAuthenticationException.class).hasMessageContaining("a bearer token");
        assertThat(thrown.getMessage()).doesNotContain("tok-123");
    }

    @ParameterizedTest
    @ValueSource(ints = {409, 422})
    void invalidRequestsAreRequestErrorsAndNotRetried(int status) {
        int errorCode = status == 409 ? 409 : 42201;
        server.route(
                "POST",
                "/subjects/orders-value/versions",
                Response.error(status, errorCode, "Schema being registered is incompatible"));

        Throwable thrown = catchThrowable(
                () -> call(server.url(), client -> client.register("orders-value", "AVRO", "x", List.of())));

        assertThat(thrown)
                .isInstanceOf(RegistryRequestException.class)
                .hasMessage("Cannot register a schema under subject orders-value: Schema being registered is"
                        + " incompatible (error code " + errorCode + ", " + server.url() + ")");
        assertThat(((SchemaRegistryException) thrown).errorCode()).isEqualTo(errorCode);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aClosedClientRefusesRequestsInsteadOfWaitingForEver() {
        server.route("GET", "/subjects", Response.json("[]"));
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(config(server.url()));
        client.close();

        assertThatThrownBy(client::subjects)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Cannot list the subjects: the schema registry client is closed");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void otherClientErrorsAreNotRetried() {
        server.route("GET", "/subjects", Response.error(400, 400, "Bad request"));

        assertThat(catchThrowable(() -> call(server.url(), SchemaRegistryClient::subjects)))
                .isInstanceOf(RegistryRequestException.class);
        assertThat(server.requests()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 429})
    void serverErrorsAndThrottlingAreRetriedThenUnavailable(int status) {
        server.route("GET", "/schemas/ids/7", Response.error(status, 50001, "Error in the backend data store"));

        Throwable thrown = catchThrowable(() -> call(server.url(), client -> client.schemaById(7)));

        assertThat(thrown)
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessage("Cannot get schema id 7: no schema registry answered in " + (RETRIES + 1) + " attempts ("
                        + server.url() + " answered HTTP " + status + ")");
        assertThat(((SchemaRegistryException) thrown).errorCode()).isEqualTo(status);
        assertThat(server.requests()).hasSize(RETRIES + 1);
    }

    @Test
    void aRetryThatSucceedsAnswers() {
        server.route(
                "GET",
                "/subjects",
                request -> server.requests().size() < 3
                        ? Response.error(503, 50003, "Error while forwarding the request to the leader")
                        : Response.json("[\"orders-value\"]"));

        assertThat(call(server.url(), SchemaRegistryClient::subjects)).containsExactly("orders-value");
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void failsOverToTheSecondUrlWhenTheFirstRefusesConnections() throws IOException {
        URI refusing = refusingUrl();
        server.route("GET", "/subjects", Response.json("[\"orders-value\"]"));

        assertThat(call(config(List.of(refusing, server.url())), SchemaRegistryClient::subjects))
                .containsExactly("orders-value");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void staysWithTheUrlThatAnsweredLast() throws IOException {
        try (TestingRegistryServer failing = TestingRegistryServer.http()) {
            failing.route("GET", "/subjects", Response.error(503, 50003, "unavailable"));
            server.route("GET", "/subjects", Response.json("[]"));

            try (HttpSchemaRegistryClient client =
                    new HttpSchemaRegistryClient(config(List.of(failing.url(), server.url())))) {
                client.subjects();
                client.subjects();
                client.subjects();
            }

            assertThat(failing.requests()).hasSize(1);
            assertThat(server.requests()).hasSize(3);
        }
    }

    @Test
    void noUrlAnsweringIsUnavailableNamingEveryUrl() throws IOException {
        URI first = refusingUrl();
        URI second = refusingUrl();

        Throwable thrown = catchThrowable(() -> call(config(List.of(first, second)), SchemaRegistryClient::subjects));

        assertThat(thrown)
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageStartingWith("Cannot list the subjects: no schema registry answered in 3 attempts (" + first
                        + ": ConnectException")
                .hasMessageContaining("; " + second + ": ConnectException");
    }

    @Test
    void aTimeoutIsRetriedThenUnavailable() throws InterruptedException {
        CountDownLatch released = new CountDownLatch(1);
        server.route("GET", "/subjects", request -> {
            try {
                released.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Response.json("[]");
        });
        RegistryClientConfig config = config(server.url()).withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(100));
        try {
            Throwable thrown = catchThrowable(() -> call(config, SchemaRegistryClient::subjects));

            assertThat(thrown)
                    .isInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining(server.url() + ": HttpTimeoutException");
            // the server may see the last request after the client gave up on it
            await().atMost(Duration.ofSeconds(10)).until(() -> server.requests().size() == RETRIES + 1);
        } finally {
            released.countDown();
        }
    }

    @Test
    void aNotFoundWithoutARegistryErrorIsAWrongUrlNotAnUnknownSchema() {
        // no route answers with a plain 404 page: a proxy, or a base URL with a wrong path
        server.route("GET", "/schemas/ids/7", Response.html(404, "<html>Not Found</html>"));

        Throwable thrown = catchThrowable(() -> call(server.url(), client -> client.schemaById(7)));

        assertThat(thrown)
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessage("Cannot get schema id 7: " + server.url() + " answered HTTP 404 without a schema registry"
                        + " error; is it the base URL of a schema registry?");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aSuccessThatIsNotJsonIsUnavailable() {
        server.route("GET", "/schemas/ids/7", Response.html(200, "<html>Log in</html>"));

        assertThat(catchThrowable(() -> call(server.url(), client -> client.schemaById(7))))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessage("Cannot get schema id 7: " + server.url() + " answered HTTP 200 with a body that is not"
                        + " JSON; is it the base URL of a schema registry?");
    }

    private static <T> T call(URI url, java.util.function.Function<SchemaRegistryClient, T> operation) {
        return call(config(url), operation);
    }

    private static <T> T call(
            RegistryClientConfig config, java.util.function.Function<SchemaRegistryClient, T> operation) {
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(config)) {
            return operation.apply(client);
        }
    }

    private static RegistryClientConfig config(URI url) {
        return config(List.of(url));
    }

    private static RegistryClientConfig config(List<URI> urls) {
        return RegistryClientConfig.of(urls)
                .withRetries(RETRIES, Duration.ofMillis(1), Duration.ofMillis(4))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    /** A loopback URL where nothing listens: its port was free a moment ago. */
    private static URI refusingUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }
}
