package dev.floe.registry;

/**
 * The registry refused a request as invalid (4xx other than not-found, auth and 429): an invalid
 * or incompatible schema, a bad mode. Retrying the same request cannot succeed.
 */
public final class RegistryRequestException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    public RegistryRequestException(String message, int errorCode) {
        super(message, errorCode, null);
    }
}
