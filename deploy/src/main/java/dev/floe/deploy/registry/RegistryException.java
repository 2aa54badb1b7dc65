package dev.floe.deploy.registry;

import java.util.Objects;

/** A request the registry refuses or cannot serve; the HTTP API renders it as Confluent's error body. */
public final class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final RegistryError error;

    public RegistryException(RegistryError error, String message) {
        this(error, message, null);
    }

    public RegistryException(RegistryError error, String message, Throwable cause) {
        super(message, cause);
        this.error = Objects.requireNonNull(error, "error");
    }

    public RegistryError error() {
        return error;
    }
}
