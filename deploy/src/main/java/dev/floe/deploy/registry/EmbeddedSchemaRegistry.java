package dev.floe.deploy.registry;

import io.javalin.Javalin;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Floe's built-in schema registry: the Confluent REST API over HTTP, with its state in a compacted
 * Kafka topic (see {@link KafkaSchemaStore}), so schemas and ids survive restarts and several
 * registries on one topic agree.
 *
 * <p>Close order: the HTTP server first (no new requests), then the store. {@link #close()} is
 * idempotent.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    private final SchemaRegistrySettings settings;
    private final KafkaSchemaStore store;
    private final Javalin http;
    private final String url;
    private final Duration startupTime;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedSchemaRegistry(
            SchemaRegistrySettings settings, KafkaSchemaStore store, Javalin http, String url, Duration startupTime) {
        this.settings = settings;
        this.store = store;
        this.http = http;
        this.url = url;
        this.startupTime = startupTime;
    }

    /** Starts a registry on loopback, on a free port, storing in {@value SchemaRegistrySettings#DEFAULT_TOPIC}. */
    public static EmbeddedSchemaRegistry start(String bootstrapServers) {
        return start(SchemaRegistrySettings.of(bootstrapServers));
    }

    /**
     * Replays the store topic (creating it if missing), then starts the HTTP server. Returns once
     * the registry answers requests.
     */
    public static EmbeddedSchemaRegistry start(SchemaRegistrySettings settings) {
        Objects.requireNonNull(settings, "settings");
        long started = System.nanoTime();
        KafkaSchemaStore store = KafkaSchemaStore.open(
                settings.bootstrapServers(),
                settings.topic(),
                settings.defaultCompatibility(),
                settings.storeTimeout());
        Javalin http;
        try {
            http = RegistryHttpApi.create(
                    RegistryHttpApi.Operations.on(store), new BasicAuthentication(settings.users()));
            http.start(settings.host(), settings.port());
        } catch (RuntimeException e) {
            store.close();
            throw new IllegalStateException(
                    "Cannot start the schema registry on " + settings.host() + ":" + settings.port() + ": "
                            + e.getMessage(),
                    e);
        }
        String url = "http://" + settings.host() + ":" + http.port();
        Duration startupTime = Duration.ofNanos(System.nanoTime() - started);
        LOG.info(
                "Schema registry started in {} ms at {} (store topic {}, {})",
                startupTime.toMillis(),
                url,
                settings.topic(),
                settings.users().isEmpty() ? "no authentication" : "HTTP basic authentication");
        return new EmbeddedSchemaRegistry(settings.withPort(http.port()), store, http, url, startupTime);
    }

    /** The base URL, such as {@code http://127.0.0.1:41234}. */
    public String url() {
        return url;
    }

    /**
     * The settings it runs with, its actual port included: {@code start(registry.settings())}
     * after {@link #close()} starts it again at the same URL (Jetty binds with {@code
     * SO_REUSEADDR}), with the same state, read back from the store topic.
     */
    public SchemaRegistrySettings settings() {
        return settings;
    }

    public String topic() {
        return store.topic();
    }

    /** How long {@link #start} took, replay included. */
    public Duration startupTime() {
        return startupTime;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            http.stop();
        } finally {
            store.close();
        }
        LOG.info("Schema registry at {} stopped", url);
    }
}
