package dev.floe.registry;

import java.util.Objects;

/**
 * One version of a subject.
 *
 * @param subject the subject
 * @param version the version number under the subject, from 1
 * @param schema the schema with its id
 */
public record SubjectVersion(String subject, int version, RegisteredSchema schema) {
    public SubjectVersion {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
