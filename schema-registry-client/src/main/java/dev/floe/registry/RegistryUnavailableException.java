package dev.floe.registry;

/**
 * No registry URL answered usefully (connection refused, timeout, 5xx, 429) within the retry
 * budget. Retriable: the caller pauses and tries again, dropping nothing.
 */
public final class RegistryUnavailableException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    public RegistryUnavailableException(String message, int errorCode, Throwable cause) {
        super(message, errorCode, cause);
    }
}
