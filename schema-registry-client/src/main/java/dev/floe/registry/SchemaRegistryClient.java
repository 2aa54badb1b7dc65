package dev.floe.registry;

import java.util.List;

/**
 * The operations of the Confluent schema registry REST API that Floe uses. Every method may throw
 * the subclasses of {@link SchemaRegistryException}, which say what the caller must do.
 */
public interface SchemaRegistryClient extends AutoCloseable {
    /** The schema with registry-wide id {@code id}. */
    RegisteredSchema schemaById(int id);

    /**
     * Registers {@code schema} under {@code subject}, or finds it there, and returns its id; the
     * same schema under the same subject always gets the same id.
     */
    int register(String subject, String schemaType, String schema, List<SchemaReference> references);

    /** The newest version registered under {@code subject}. */
    SubjectVersion latestVersion(String subject);

    /** Version {@code version} of {@code subject}. */
    SubjectVersion version(String subject, int version);

    /** Every subject with at least one live version. */
    List<String> subjects();

    @Override
    void close();
}
