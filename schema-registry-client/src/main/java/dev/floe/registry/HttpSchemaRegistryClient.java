package dev.floe.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaRegistryClient} over the registry's REST API, with failover across URLs and
 * bounded retries with exponential backoff and jitter on connection errors, 5xx and 429.
 *
 * <p>Thread-safe. It caches nothing: wrap it in a {@link CachingSchemaRegistry} for decoding.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {
    private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final RegistryClientConfig config;
    private final ExecutorService executor;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final RetryPolicy<HttpResponse<String>> retryPolicy;
    /** The URL that answered last; requests start there and fail over to the others in order. */
    private volatile int preferredUrl;

    public HttpSchemaRegistryClient(RegistryClientConfig config) {
        this.config = config;
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "schema-registry-client");
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(config.requestTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.retryPolicy = RetryPolicy.<HttpResponse<String>>builder()
                .handle(RetriableFailure.class)
                .withMaxRetries(config.maxRetries())
                .withBackoff(config.initialBackoff(), max(config.initialBackoff(), config.maxBackoff()))
                .withJitter(0.25)
                .onRetry(event -> LOG.warn(
                        "Schema registry request failed, retry {} of {}: {}",
                        event.getAttemptCount(),
                        config.maxRetries(),
                        event.getLastException().getMessage()))
                .build();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a.plusMillis(1) : b;
    }

    @Override
    public RegisteredSchema schemaById(int id) {
        JsonNode body = get("/schemas/ids/" + id, "get schema id " + id);
        return schema(id, body);
    }

    @Override
    public int register(String subject, String schemaType, String schema, List<SchemaReference> references) {
        ObjectNode request = json.createObjectNode();
        request.put("schema", schema);
        if (!RegisteredSchema.AVRO.equals(schemaType)) {
            request.put("schemaType", schemaType);
        }
        if (!references.isEmpty()) {
            ArrayNode array = request.putArray("references");
            for (SchemaReference reference : references) {
                array.addObject()
                        .put("name", reference.name())
                        .put("subject", reference.subject())
                        .put("version", reference.version());
            }
        }
        JsonNode body = send(
                "POST", "/subjects/" + encode(subject) + "/versions", request, "register a schema under " + subject);
        return body.path("id").asInt();
    }

    @Override
    public SubjectVersion latestVersion(String subject) {
        return subjectVersion(
                get("/subjects/" + encode(subject) + "/versions/latest", "get the latest version of " + subject));
    }

    @Override
    public SubjectVersion version(String subject, int version) {
        return subjectVersion(get(
                "/subjects/" + encode(subject) + "/versions/" + version, "get version " + version + " of " + subject));
    }

    @Override
    public List<String> subjects() {
        JsonNode body = get("/subjects", "list subjects");
        List<String> subjects = new ArrayList<>();
        body.forEach(node -> subjects.add(node.asText()));
        return subjects;
    }

    @Override
    public void close() {
        // the HttpClient of Java 17 cannot be closed; its threads are ours to stop
        executor.shutdownNow();
    }

    private SubjectVersion subjectVersion(JsonNode body) {
        return new SubjectVersion(
                body.path("subject").asText(),
                body.path("version").asInt(),
                schema(body.path("id").asInt(), body));
    }

    private static RegisteredSchema schema(int id, JsonNode body) {
        List<SchemaReference> references = new ArrayList<>();
        body.path("references")
                .forEach(node -> references.add(new SchemaReference(
                        node.path("name").asText(),
                        node.path("subject").asText(),
                        node.path("version").asInt())));
        String type = body.hasNonNull("schemaType") ? body.get("schemaType").asText() : RegisteredSchema.AVRO;
        return new RegisteredSchema(id, type, body.path("schema").asText(), references);
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode get(String path, String action) {
        return send("GET", path, null, action);
    }

    private JsonNode send(String method, String path, JsonNode body, String action) {
        HttpResponse<String> response;
        try {
            response = Failsafe.with(retryPolicy).get(() -> attemptEveryUrl(method, path, body));
        } catch (FailsafeException e) {
            throw unexpected(action, e.getCause() == null ? e : e.getCause());
        } catch (RetriableFailure e) {
            throw new RegistryUnavailableException(
                    "Cannot " + action + ": no schema registry answered after " + (config.maxRetries() + 1)
                            + " attempts (" + e.getMessage() + ")",
                    e.status,
                    e.getCause());
        }
        return parse(response, action);
    }

    private RuntimeException unexpected(String action, Throwable cause) {
        if (cause instanceof RuntimeException) {
            return (RuntimeException) cause;
        }
        return new RegistryUnavailableException("Cannot " + action + ": " + cause, 0, cause);
    }

    /** One attempt: each URL in turn from the preferred one, until one answers with a final status. */
    private HttpResponse<String> attemptEveryUrl(String method, String path, JsonNode body) {
        List<URI> urls = config.urls();
        RetriableFailure last = null;
        int start = preferredUrl;
        for (int i = 0; i < urls.size(); i++) {
            int index = (start + i) % urls.size();
            URI url = urls.get(index);
            try {
                HttpResponse<String> response =
                        http.send(request(url, method, path, body), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 429 || status >= 500) {
                    last = new RetriableFailure(url + " answered HTTP " + status, status, null);
                    continue;
                }
                preferredUrl = index;
                return response;
            } catch (IOException e) {
                last = new RetriableFailure(url + ": " + e, 0, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("Interrupted while calling the schema registry at " + url, 0, e);
            }
        }
        throw last;
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

    private JsonNode parse(HttpResponse<String> response, String action) {
        int status = response.statusCode();
        JsonNode body;
        try {
            body = response.body().isEmpty() ? json.createObjectNode() : json.readTree(response.body());
        } catch (IOException e) {
            if (status >= 200 && status < 300) {
                throw new RegistryRequestException(
                        "Cannot " + action + ": the registry answered with invalid JSON", status);
            }
            body = json.createObjectNode();
        }
        if (status >= 200 && status < 300) {
            return body;
        }
        int errorCode = body.path("error_code").asInt(status);
        String message = "Cannot " + action + ": " + body.path("message").asText("HTTP " + status) + " (error code "
                + errorCode + ")";
        if (status == 404) {
            throw new SchemaNotFoundException(message, errorCode);
        }
        if (status == 401 || status == 403) {
            throw new RegistryAuthenticationException(
                    "Cannot " + action + ": the schema registry refused the configured credentials (HTTP " + status
                            + ")",
                    errorCode);
        }
        throw new RegistryRequestException(message, errorCode);
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
