package dev.floe.registry;

/** The registry refused the credentials (401, 403): fatal until the configuration is fixed. */
public final class RegistryAuthenticationException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    public RegistryAuthenticationException(String message, int errorCode) {
        super(message, errorCode, null);
    }
}
