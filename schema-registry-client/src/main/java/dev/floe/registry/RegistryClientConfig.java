package dev.floe.registry;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * How to reach a Confluent-API schema registry, and how much of it to keep in memory. The
 * reference of every setting with its default is docs/schema-registry-client.md. {@link
 * #toString()} shows no secret: passwords, tokens and header values are masked.
 *
 * @param urls one or more base URLs ({@code http} or {@code https}, without user info); a request
 *     goes to the URL that answered last and fails over to the others in order
 * @param credentials how to authenticate
 * @param headers extra headers sent with every request (for example a gateway's API key)
 * @param requestTimeout the longest wait for one HTTP response
 * @param maxRetries retries after the first attempt, on connection errors, timeouts, 5xx and 429;
 *     never on other 4xx. Each attempt tries every URL once.
 * @param initialBackoff the pause before the first retry; doubled each time, with ±25% jitter
 * @param maxBackoff the longest pause between retries
 * @param connectTimeout the longest wait for a TCP (and TLS) connection to one URL
 * @param tls the client certificate and trusted certificates for {@code https} URLs
 * @param cache the bounds and lifetimes of the schema cache
 */
public record RegistryClientConfig(
        List<URI> urls,
        RegistryCredentials credentials,
        Map<String, String> headers,
        Duration requestTimeout,
        int maxRetries,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration connectTimeout,
        RegistryTls tls,
        SchemaCacheConfig cache) {
    /** Set by the client itself or by the JDK's HTTP client: a configured value would clash. */
    private static final Set<String> RESERVED_HEADERS =
            Set.of("accept", "connection", "content-length", "content-type", "expect", "host", "upgrade");

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public RegistryClientConfig {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw invalid("at least one URL is needed");
        }
        urls.forEach(RegistryClientConfig::checkUrl);
        Objects.requireNonNull(credentials, "credentials");
        headers = Map.copyOf(headers);
        headers.forEach((name, value) -> checkHeader(name, credentials));
        positive("requestTimeout", requestTimeout);
        if (maxRetries < 0) {
            throw invalid("maxRetries must not be negative, got " + maxRetries);
        }
        positive("initialBackoff", initialBackoff);
        positive("maxBackoff", maxBackoff);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw invalid(
                    "maxBackoff (" + maxBackoff + ") must not be shorter than initialBackoff (" + initialBackoff + ")");
        }
        positive("connectTimeout", connectTimeout);
        Objects.requireNonNull(tls, "tls");
        if (tls.isCustom() && urls.stream().noneMatch(url -> "https".equalsIgnoreCase(url.getScheme()))) {
            throw invalid("TLS settings are given but no URL is https");
        }
        Objects.requireNonNull(cache, "cache");
    }

    /**
     * The settings of the first release: the connect timeout is the request timeout, TLS uses the
     * JDK's defaults, the cache {@link SchemaCacheConfig#DEFAULT}.
     */
    public RegistryClientConfig(
            List<URI> urls,
            RegistryCredentials credentials,
            Map<String, String> headers,
            Duration requestTimeout,
            int maxRetries,
            Duration initialBackoff,
            Duration maxBackoff) {
        this(
                urls,
                credentials,
                headers,
                requestTimeout,
                maxRetries,
                initialBackoff,
                maxBackoff,
                requestTimeout,
                RegistryTls.DEFAULT,
                SchemaCacheConfig.DEFAULT);
    }

    /** Defaults for one URL: no auth, 10 s timeouts, 5 retries from 100 ms up to 5 s. */
    public static RegistryClientConfig of(String url) {
        return of(List.of(URI.create(url)));
    }

    /** Defaults for several URLs, tried in order: as {@link #of(String)}. */
    public static RegistryClientConfig of(List<URI> urls) {
        return new RegistryClientConfig(
                urls,
                RegistryCredentials.NONE,
                Map.of(),
                DEFAULT_TIMEOUT,
                5,
                Duration.ofMillis(100),
                Duration.ofSeconds(5),
                DEFAULT_TIMEOUT,
                RegistryTls.DEFAULT,
                SchemaCacheConfig.DEFAULT);
    }

    public RegistryClientConfig withCredentials(RegistryCredentials newCredentials) {
        return new RegistryClientConfig(
                urls,
                newCredentials,
                headers,
                requestTimeout,
                maxRetries,
                initialBackoff,
                maxBackoff,
                connectTimeout,
                tls,
                cache);
    }

    public RegistryClientConfig withHeaders(Map<String, String> newHeaders) {
        return new RegistryClientConfig(
                urls,
                credentials,
                newHeaders,
                requestTimeout,
                maxRetries,
                initialBackoff,
                maxBackoff,
                connectTimeout,
                tls,
                cache);
    }

    public RegistryClientConfig withRetries(int newMaxRetries, Duration newInitialBackoff, Duration newMaxBackoff) {
        return new RegistryClientConfig(
                urls,
                credentials,
                headers,
                requestTimeout,
                newMaxRetries,
                newInitialBackoff,
                newMaxBackoff,
                connectTimeout,
                tls,
                cache);
    }

    public RegistryClientConfig withTimeouts(Duration newConnectTimeout, Duration newRequestTimeout) {
        return new RegistryClientConfig(
                urls,
                credentials,
                headers,
                newRequestTimeout,
                maxRetries,
                initialBackoff,
                maxBackoff,
                newConnectTimeout,
                tls,
                cache);
    }

    public RegistryClientConfig withTls(RegistryTls newTls) {
        return new RegistryClientConfig(
                urls,
                credentials,
                headers,
                requestTimeout,
                maxRetries,
                initialBackoff,
                maxBackoff,
                connectTimeout,
                newTls,
                cache);
    }

    public RegistryClientConfig withCache(SchemaCacheConfig newCache) {
        return new RegistryClientConfig(
                urls,
                credentials,
                headers,
                requestTimeout,
                maxRetries,
                initialBackoff,
                maxBackoff,
                connectTimeout,
                tls,
                newCache);
    }

    @Override
    public String toString() {
        Map<String, String> maskedHeaders = new TreeMap<>();
        headers.keySet().forEach(name -> maskedHeaders.put(name, "***"));
        return "RegistryClientConfig[urls=" + urls + ", credentials=" + credentials + ", headers=" + maskedHeaders
                + ", requestTimeout=" + requestTimeout + ", maxRetries=" + maxRetries + ", initialBackoff="
                + initialBackoff + ", maxBackoff=" + maxBackoff + ", connectTimeout=" + connectTimeout + ", tls="
                + tls + ", cache=" + cache + "]";
    }

    private static void checkUrl(URI url) {
        Objects.requireNonNull(url, "url");
        if (url.getRawUserInfo() != null) {
            // the user info may hold a password: never repeat it
            throw invalid("URL " + url.getScheme() + "://***@" + url.getHost()
                    + " carries user info; set the credentials instead");
        }
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw invalid("URL " + url + " must start with http:// or https://");
        }
        if (url.getHost() == null) {
            throw invalid("URL " + url + " has no host");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw invalid("URL " + url + " must not have a query or a fragment");
        }
    }

    private static void checkHeader(String name, RegistryCredentials credentials) {
        String lower = name.strip().toLowerCase(Locale.ROOT);
        if (lower.isEmpty()) {
            throw invalid("a header name must not be blank");
        }
        if (RESERVED_HEADERS.contains(lower)) {
            throw invalid("header " + name + " is set by the client itself");
        }
        if (lower.equals("authorization") && !(credentials instanceof RegistryCredentials.None)) {
            throw invalid("header " + name + " would replace the configured credentials; set one of them");
        }
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw invalid(name + " must be positive, got " + value);
        }
    }

    private static IllegalArgumentException invalid(String reason) {
        return new IllegalArgumentException("Cannot configure the schema registry client: " + reason);
    }
}
