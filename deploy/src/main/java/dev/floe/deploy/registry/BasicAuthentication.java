package dev.floe.deploy.registry;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * HTTP basic authentication against configured users. A request without valid credentials is
 * refused with 401, a {@code WWW-Authenticate} challenge and Confluent's JSON error body (error
 * code 401), which clients report as an authentication failure. Passwords are kept as SHA-256
 * digests and compared in constant time; no message names a password.
 */
final class BasicAuthentication {
    static final String REALM = "floe-schema-registry";
    static final String CHALLENGE = "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"";

    private final Map<String, byte[]> digests = new HashMap<>();

    BasicAuthentication(Map<String, String> users) {
        users.forEach((user, password) -> digests.put(user, digest(password)));
    }

    /** Whether requests need credentials at all: some users are configured. */
    boolean required() {
        return !digests.isEmpty();
    }

    /** Lets the request through, or refuses it with {@link RegistryError#UNAUTHORIZED}. */
    void authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        String refusal = refusal(header);
        if (refusal != null) {
            throw new RegistryException(
                    RegistryError.UNAUTHORIZED, "Cannot " + ctx.method() + " " + ctx.path() + ": " + refusal);
        }
    }

    /** Why {@code header} does not authenticate, or null when it does. */
    private String refusal(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return "the registry requires HTTP basic authentication";
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "the basic credentials are not Base64";
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return "the basic credentials have no password";
        }
        String user = decoded.substring(0, colon);
        byte[] expected = digests.get(user);
        byte[] given = digest(decoded.substring(colon + 1));
        // compare even for an unknown user, so that timing does not tell which users exist
        boolean matches = MessageDigest.isEqual(expected == null ? new byte[given.length] : expected, given);
        return expected != null && matches ? null : "user '" + user + "' is unknown or the password is wrong";
    }

    private static byte[] digest(String password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot hash a password: the JDK has no SHA-256", e);
        }
    }
}
