package dev.floe.engine.config;

import java.util.Objects;

/**
 * The HTTP server of {@code floe run}: API, metrics and dashboard.
 *
 * @param enabled whether it runs
 * @param host the address it binds
 * @param port its port; 0 picks a free one
 * @param token the bearer token requests need, or null for an open API
 * @param anonymousRead with a token, whether reads (GET) need none
 */
public record HttpConfig(boolean enabled, String host, int port, String token, boolean anonymousRead) {
    public HttpConfig {
        Objects.requireNonNull(host, "host");
    }

    /** A server on {@code port} of the loopback address, with no token: for tests and the demo. */
    public static HttpConfig open(int port) {
        return new HttpConfig(true, "127.0.0.1", port, null, false);
    }

    @Override
    public String toString() {
        // the token is a secret
        return "HttpConfig[enabled=" + enabled + ", host=" + host + ", port=" + port + ", token="
                + (token == null ? "none" : "***") + ", anonymousRead=" + anonymousRead + "]";
    }
}
