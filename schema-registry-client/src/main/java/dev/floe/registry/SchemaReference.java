package dev.floe.registry;

import java.util.Objects;

/**
 * A schema's reference to another registered schema.
 *
 * @param name the name the referencing schema uses (for Avro, the referenced type's full name)
 * @param subject the subject the referenced schema is registered under
 * @param version the version under that subject
 */
public record SchemaReference(String name, String subject, int version) {
    public SchemaReference {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(subject, "subject");
    }
}
