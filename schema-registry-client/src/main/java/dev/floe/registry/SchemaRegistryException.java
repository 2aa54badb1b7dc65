package dev.floe.registry;

/**
 * The base of the client's errors. Each subclass says what the caller must do; none carries a
 * secret (credentials, tokens) in its message.
 */
public class SchemaRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errorCode;

    public SchemaRegistryException(String message, int errorCode, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /** The registry's error code ({@code 40403}, ...), or the HTTP status, or 0 without a response. */
    public int errorCode() {
        return errorCode;
    }
}
