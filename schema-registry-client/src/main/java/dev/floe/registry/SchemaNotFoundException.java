package dev.floe.registry;

/**
 * The registry does not know a schema id, subject or version (error codes 40401, 40402, 40403).
 * For a record that names an unknown id this is a bad record, not an outage.
 */
public final class SchemaNotFoundException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    public SchemaNotFoundException(String message, int errorCode) {
        super(message, errorCode, null);
    }
}
