package dev.floe.registry;

/** Bytes that are not in the registry's wire format: a bad record, never retried. */
public final class MalformedPayloadException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    public MalformedPayloadException(String message) {
        super(message, 0, null);
    }
}
