package dev.floe.engine.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The options of the commands that talk to a running Floe over its HTTP API ({@code --url},
 * {@code --token}), and the requests they send with them.
 */
public final class ApiConnection {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    @Option(
            names = {"-u", "--url"},
            defaultValue = "http://localhost:8080",
            paramLabel = "URL",
            description = "The base URL of Floe's HTTP API (default: ${DEFAULT-VALUE})")
    URI url;

    @Option(
            names = "--token",
            defaultValue = "${env:FLOE_API_TOKEN}",
            paramLabel = "TOKEN",
            description = "The API's bearer token, if it needs one (default: the FLOE_API_TOKEN variable)")
    String token;

    /** The API's endpoint at {@code path}, which starts with a slash. */
    URI endpoint(String path) {
        return url.resolve(path);
    }

    /** A request to {@code endpoint} that carries the token, if one was given. */
    HttpRequest.Builder request(URI endpoint, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout);
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    /** Sends {@code request}; the answer's body as text. */
    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        // Java 17's HttpClient is not AutoCloseable; its threads are daemons
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
