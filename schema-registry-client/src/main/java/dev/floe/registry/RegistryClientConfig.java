package dev.floe.registry;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach a Confluent-API schema registry.
 *
 * @param urls one or more base URLs; requests fail over from one to the next
 * @param credentials how to authenticate
 * @param headers extra headers sent with every request
 * @param requestTimeout the timeout of one HTTP request
 * @param maxRetries retries after the first attempt, on connection errors, 5xx and 429
 * @param initialBackoff the pause before the first retry; doubled each time, with jitter
 * @param maxBackoff the longest pause between retries
 */
public record RegistryClientConfig(
        List<URI> urls,
        RegistryCredentials credentials,
        Map<String, String> headers,
        Duration requestTimeout,
        int maxRetries,
        Duration initialBackoff,
        Duration maxBackoff) {
    public RegistryClientConfig {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("a schema registry client needs at least one URL");
        }
        Objects.requireNonNull(credentials, "credentials");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
        }
    }

    /** Defaults for one URL: no auth, 10 s requests, 5 retries from 100 ms up to 5 s. */
    public static RegistryClientConfig of(String url) {
        return new RegistryClientConfig(
                List.of(URI.create(url)),
                RegistryCredentials.NONE,
                Map.of(),
                Duration.ofSeconds(10),
                5,
                Duration.ofMillis(100),
                Duration.ofSeconds(5));
    }

    public RegistryClientConfig withCredentials(RegistryCredentials newCredentials) {
        return new RegistryClientConfig(
                urls, newCredentials, headers, requestTimeout, maxRetries, initialBackoff, maxBackoff);
    }

    public RegistryClientConfig withRetries(int newMaxRetries, Duration newInitialBackoff, Duration newMaxBackoff) {
        return new RegistryClientConfig(
                urls, credentials, headers, requestTimeout, newMaxRetries, newInitialBackoff, newMaxBackoff);
    }
}
