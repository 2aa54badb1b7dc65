package dev.floe.registry;

import java.util.List;
import java.util.Optional;

/**
 * The operations of the Confluent schema registry REST API. Every method may throw the subclasses
 * of {@link SchemaRegistryException}, which say what the caller must do: {@link
 * SchemaNotFoundException} (no such id, subject or version), {@link RegistryRequestException} (the
 * registry refused the request as invalid), {@link RegistryAuthenticationException} (fatal until
 * the credentials are fixed), {@link RegistryUnavailableException} (retry later).
 *
 * <p>A schema is given as its type ({@code AVRO}, {@code JSON}, {@code PROTOBUF}), its text and
 * the schemas it references.
 */
public interface SchemaRegistryClient extends AutoCloseable {
    /** The schema with registry-wide id {@code id}. */
    RegisteredSchema schemaById(int id);

    /** The schema types the registry supports. */
    List<String> schemaTypes();

    /** Every subject with at least one live version. */
    List<String> subjects();

    /** The live version numbers of {@code subject}, oldest first. */
    List<Integer> versions(String subject);

    /** Version {@code version} of {@code subject}. */
    SubjectVersion version(String subject, int version);

    /** The newest version registered under {@code subject}. */
    SubjectVersion latestVersion(String subject);

    /**
     * Registers {@code schema} under {@code subject}, or finds it there, and returns its id; the
     * same schema under the same subject always gets the same id.
     */
    int register(String subject, String schemaType, String schema, List<SchemaReference> references);

    /**
     * The version of {@code subject} that holds {@code schema}.
     *
     * @throws SchemaNotFoundException when the subject does not exist (40401) or does not hold
     *     the schema (40403)
     */
    SubjectVersion lookup(String subject, String schemaType, String schema, List<SchemaReference> references);

    /** Whether {@code schema} is compatible with version {@code version} of {@code subject}. */
    CompatibilityResult compatibility(
            String subject, int version, String schemaType, String schema, List<SchemaReference> references);

    /** Whether {@code schema} is compatible with the latest version of {@code subject}. */
    CompatibilityResult compatibilityWithLatest(
            String subject, String schemaType, String schema, List<SchemaReference> references);

    /** The registry-wide compatibility level. */
    CompatibilityLevel globalCompatibility();

    /** Sets the registry-wide compatibility level and returns the level now in force. */
    CompatibilityLevel setGlobalCompatibility(CompatibilityLevel level);

    /** The compatibility level set on {@code subject} itself, if any. */
    Optional<CompatibilityLevel> subjectCompatibility(String subject);

    /** Sets the compatibility level of {@code subject} and returns the level now in force. */
    CompatibilityLevel setSubjectCompatibility(String subject, CompatibilityLevel level);

    /** Removes the compatibility level of {@code subject}, which then follows the global one. */
    void deleteSubjectCompatibility(String subject);

    /** The registry-wide mode. */
    RegistryMode globalMode();

    /** Sets the registry-wide mode and returns the mode now in force. */
    RegistryMode setGlobalMode(RegistryMode mode);

    /** The mode set on {@code subject} itself, if any. */
    Optional<RegistryMode> subjectMode(String subject);

    /** Sets the mode of {@code subject} and returns the mode now in force. */
    RegistryMode setSubjectMode(String subject, RegistryMode mode);

    /** Deletes every version of {@code subject} and returns their numbers. */
    List<Integer> deleteSubject(String subject, Deletion deletion);

    /** Deletes version {@code version} of {@code subject} and returns its number. */
    int deleteVersion(String subject, int version, Deletion deletion);

    @Override
    void close();
}
