package dev.floe.registry;

/**
 * The client cannot be built from its configuration: a key store or PEM file that is missing,
 * unreadable or protected by another password. Fatal until the configuration is fixed.
 */
public final class RegistryConfigurationException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    public RegistryConfigurationException(String message, Throwable cause) {
        super(message, 0, cause);
    }
}
