package dev.floe.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one registry request: to the URL that answered last, failing over to the others in order,
 * and retrying the whole round with exponential backoff and jitter while the failure is worth
 * another attempt (connection errors, timeouts, 5xx, 429). Other answers are final: they are
 * returned, or turned into the exception that says what the caller must do.
 *
 * <p>Thread-safe. Owns the HTTP client's threads; {@link #close()} stops them.
 */
final class RegistryTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryTransport.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final double JITTER = 0.25;

    private final RegistryClientConfig config;
    private final ObjectMapper json;
    private final ExecutorService executor;
    private final HttpClient http;
    private final RetryPolicy<Answer> retryPolicy;
    /** Observes the certificate requests of https URLs; null with the JDK's default TLS. */
    private final ObservingKeyManager keyManager;
    /** The URL that answered last; a request starts there. */
    private volatile int preferredUrl;

    private volatile boolean closed;

    RegistryTransport(RegistryClientConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1);
        if (config.tls().isCustom()) {
            // before any thread exists: a bad file fails the constructor without leaking one
            TlsContexts.ClientTls tls = TlsContexts.create(config.tls());
            builder.sslContext(tls.context());
            this.keyManager = tls.keyManager();
        } else {
            this.keyManager = null;
        }
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "schema-registry-client");
            thread.setDaemon(true);
            return thread;
        });
        this.http = builder.executor(executor).build();
        this.retryPolicy = RetryPolicy.<Answer>builder()
                .handle(RetriableFailure.class)
                .withMaxRetries(config.maxRetries())
                .withBackoff(config.initialBackoff(), backoffCeiling(config))
                .withJitter(JITTER)
                .onRetry(event -> LOG.warn(
                        "No schema registry answered, retry {} of {}: {}",
                        event.getAttemptCount(),
                        config.maxRetries(),
                        event.getLastException().getMessage()))
                .build();
    }

    /** Failsafe wants the ceiling strictly above the first delay. */
    private static Duration backoffCeiling(RegistryClientConfig config) {
        return config.maxBackoff().compareTo(config.initialBackoff()) > 0
                ? config.maxBackoff()
                : config.initialBackoff().plusMillis(1);
    }

    /**
     * Sends a request and returns its JSON answer.
     *
     * @param method the HTTP method
     * @param path the path below the base URL, its segments already encoded
     * @param body the JSON body, or null for none
     * @param action what the request does, for messages: "get schema id 7"
     */
    JsonNode send(String method, String path, JsonNode body, String action) {
        if (closed) {
            // a closed client's HTTP threads are gone: a request would wait for ever
            throw new IllegalStateException("Cannot " + action + ": the schema registry client is closed");
        }
        Answer answer = exchange(method, path, body, action);
        if (answer.isSuccess()) {
            return successBody(answer, action);
        }
        throw RegistryErrors.of(action, answer.url(), answer.status(), errorBody(answer), config.credentials());
    }

    /**
     * As {@link #send}, but a not-found answer from the registry (a 404 with a registry error
     * code, such as 40408 "no subject-level config") is empty instead of an exception.
     */
    Optional<JsonNode> find(String method, String path, String action) {
        Answer answer = exchange(method, path, null, action);
        if (answer.isSuccess()) {
            return Optional.of(successBody(answer, action));
        }
        JsonNode error = errorBody(answer);
        if (answer.status() == 404 && error != null && error.hasNonNull("error_code")) {
            return Optional.empty();
        }
        throw RegistryErrors.of(action, answer.url(), answer.status(), error, config.credentials());
    }

    @Override
    public void close() {
        closed = true;
        // the HttpClient of Java 17 cannot be closed; its threads are ours to stop
        executor.shutdownNow();
    }

    private Answer exchange(String method, String path, JsonNode body, String action) {
        try {
            return Failsafe.with(retryPolicy).get(() -> attemptEveryUrl(method, path, body, action));
        } catch (RetriableFailure e) {
            throw new RegistryUnavailableException(
                    "Cannot " + action + ": no schema registry answered in " + (config.maxRetries() + 1) + " attempts ("
                            + e.getMessage() + ")",
                    e.status,
                    e.getCause());
        } catch (FailsafeException e) {
            // interrupted while waiting to retry
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new RegistryUnavailableException("Cannot " + action + ": " + cause, 0, cause);
        }
    }

    /** One attempt: each URL in turn from the preferred one, until one gives a final answer. */
    private Answer attemptEveryUrl(String method, String path, JsonNode body, String action) {
        List<URI> urls = config.urls();
        List<String> failures = new ArrayList<>();
        int lastStatus = 0;
        IOException lastConnectionError = null;
        SSLHandshakeException handshake = null;
        int start = preferredUrl;
        for (int i = 0; i < urls.size(); i++) {
            int index = (start + i) % urls.size();
            URI url = urls.get(index);
            try {
                HttpResponse<String> response =
                        http.send(request(url, method, path, body), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 429 || status >= 500) {
                    failures.add(url + " answered HTTP " + status);
                    lastStatus = status;
                    continue;
                }
                preferredUrl = index;
                if (keyManager != null) {
                    keyManager.forgetUnansweredRequest();
                }
                return new Answer(url, status, response.body());
            } catch (SSLHandshakeException e) {
                failures.add(url + ": the TLS handshake failed (" + e.getMessage() + ")");
                handshake = e;
            } catch (IOException e) {
                failures.add(url + ": " + describe(e) + unansweredCertificateRequest());
                lastConnectionError = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException(
                        "Cannot " + action + ": interrupted while calling the schema registry at " + url, 0, e);
            }
        }
        String summary = String.join("; ", failures);
        if (lastStatus == 0 && lastConnectionError == null) {
            // only handshakes failed: retrying cannot fix a certificate
            throw new RegistryAuthenticationException(
                    "Cannot " + action + ": " + summary + "; check the client certificate and the trusted certificates",
                    0,
                    handshake);
        }
        throw new RetriableFailure(summary, lastStatus, lastConnectionError);
    }

    /** Why a TLS 1.3 registry may have closed the connection: a client certificate it asked for. */
    private String unansweredCertificateRequest() {
        String request = keyManager == null ? null : keyManager.takeUnansweredRequest();
        return request == null ? "" : "; " + request;
    }

    private HttpRequest request(URI base, String method, String path, JsonNode body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(resolve(base, path))
                .timeout(config.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        String authorization = config.credentials().authorizationHeader();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        for (Map.Entry<String, String> header : config.headers().entrySet()) {
            builder.header(header.getKey(), header.getValue());
        }
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", CONTENT_TYPE);
            builder.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        return builder.build();
    }

    private static URI resolve(URI base, String path) {
        String text = base.toString();
        return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) + path : text + path);
    }

    /** The innermost message: the JDK's HTTP client wraps "Connection refused" in bare exceptions. */
    private static String describe(IOException e) {
        Throwable cause = e;
        String message = e.getMessage();
        while (message == null && cause.getCause() != null) {
            cause = cause.getCause();
            message = cause.getMessage();
        }
        return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    private JsonNode successBody(Answer answer, String action) {
        JsonNode node;
        try {
            node = json.readTree(answer.body());
        } catch (JsonProcessingException e) {
            throw notJson(answer, action, e);
        }
        if (node.isMissingNode()) {
            throw notJson(answer, action, null);
        }
        return node;
    }

    /** A login page or a proxy's answer: no record is at fault. */
    private static RegistryUnavailableException notJson(Answer answer, String action, Throwable cause) {
        return new RegistryUnavailableException(
                "Cannot " + action + ": " + answer.url() + " answered HTTP " + answer.status()
                        + " with a body that is not JSON; is it the base URL of a schema registry?",
                answer.status(),
                cause);
    }

    /** The error body, or null when it is not a JSON object. */
    private JsonNode errorBody(Answer answer) {
        try {
            JsonNode node = json.readTree(answer.body());
            return node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** A final answer from one URL. */
    private record Answer(URI url, int status, String body) {
        boolean isSuccess() {
            return status >= 200 && status < 300;
        }
    }

    /** A failure worth another attempt, handled by the retry policy only. */
    private static final class RetriableFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        RetriableFailure(String message, int status, Throwable cause) {
            super(message, cause);
            this.status = status;
        }
    }
}
