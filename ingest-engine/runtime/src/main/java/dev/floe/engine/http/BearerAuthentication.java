package dev.floe.engine.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.UnauthorizedResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The API's optional bearer token. Without one, every request passes. With one, a request needs
 * {@code Authorization: Bearer <token>}, except health checks, the dashboard's static files, and
 * reads when anonymous reads are allowed.
 */
final class BearerAuthentication {
    private final byte[] token;
    private final boolean anonymousRead;

    /** @param token the token requests need, or null for none */
    BearerAuthentication(String token, boolean anonymousRead) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.anonymousRead = anonymousRead;
    }

    /** Lets the request through or answers 401. */
    void authenticate(Context ctx) {
        if (token == null || ctx.path().startsWith("/health/") || ctx.path().startsWith(FloeHttpServer.DASHBOARD)) {
            // the dashboard's files hold no data; its requests to the API carry the token
            return;
        }
        boolean read = ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD;
        String header = ctx.header("Authorization");
        if (header == null && read && anonymousRead) {
            return;
        }
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"floe\"");
            throw new UnauthorizedResponse("Cannot " + ctx.method() + " " + ctx.path()
                    + ": the API requires a bearer token (Authorization: Bearer <token>)"
                    + (anonymousRead ? " for actions" : ""));
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        // constant time, so that timing tells nothing about the token
        if (!MessageDigest.isEqual(token, given)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"floe\", error=\"invalid_token\"");
            throw new UnauthorizedResponse("Cannot " + ctx.method() + " " + ctx.path() + ": the bearer token is wrong");
        }
    }
}
