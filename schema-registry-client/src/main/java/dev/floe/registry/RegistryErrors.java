package dev.floe.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Set;

/** Turns a registry's final error response into the exception that says what the caller must do. */
final class RegistryErrors {
    /** Subject, version or schema not found, or soft-deleted: nothing to read there. */
    private static final Set<Integer> NOT_FOUND_CODES = Set.of(40401, 40402, 40403, 40404, 40406);

    private RegistryErrors() {}

    /**
     * The exception for an error response.
     *
     * @param action what the caller tried, as in "get schema id 7"
     * @param url the base URL that answered
     * @param status the HTTP status, neither 2xx nor retriable
     * @param body the JSON body, or null when the body is not JSON
     * @param credentials the configured credentials, described (never shown) on 401 and 403
     */
    static SchemaRegistryException of(
            String action, URI url, int status, JsonNode body, RegistryCredentials credentials) {
        boolean registryError = body != null && body.hasNonNull("error_code");
        int errorCode = registryError ? body.get("error_code").asInt(status) : status;
        if (status == 401 || status == 403) {
            return new RegistryAuthenticationException(
                    "Cannot " + action + ": the schema registry at " + url + " refused " + credentials.description()
                            + " (HTTP " + status + "); fix the schema registry credentials",
                    errorCode);
        }
        String reason =
                body != null && body.hasNonNull("message") ? body.get("message").asText() : "HTTP " + status;
        String message = "Cannot " + action + ": " + reason + " (error code " + errorCode + ", " + url + ")";
        if (status == 404 && !registryError) {
            // a proxy or a wrong base path: no record is at fault, so nothing may be dead-lettered
            return new RegistryUnavailableException(
                    "Cannot " + action + ": " + url + " answered HTTP 404 without a schema registry error;"
                            + " is it the base URL of a schema registry?",
                    status,
                    null);
        }
        if (status == 404 && NOT_FOUND_CODES.contains(errorCode)) {
            return new SchemaNotFoundException(message, errorCode);
        }
        return new RegistryRequestException(message, errorCode);
    }
}
