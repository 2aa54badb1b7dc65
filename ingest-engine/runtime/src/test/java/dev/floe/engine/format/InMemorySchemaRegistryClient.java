package dev.floe.engine.format;

import dev.floe.registry.CompatibilityLevel;
import dev.floe.registry.CompatibilityResult;
import dev.floe.registry.Deletion;
import dev.floe.registry.RegisteredSchema;
import dev.floe.registry.RegistryMode;
import dev.floe.registry.SchemaNotFoundException;
import dev.floe.registry.SchemaReference;
import dev.floe.registry.SchemaRegistryClient;
import dev.floe.registry.SubjectVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A registry of Avro schemas by id, in memory: what decoders ask a registry for. The subject and
 * configuration operations are for tools, not decoders; they throw.
 */
final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
    private final List<String> schemas = new ArrayList<>();

    /** Holds {@code schema} and returns its id. */
    int add(org.apache.avro.Schema schema) {
        schemas.add(schema.toString());
        return schemas.size();
    }

    @Override
    public RegisteredSchema schemaById(int id) {
        if (id < 1 || id > schemas.size()) {
            throw new SchemaNotFoundException("Schema " + id + " not found", 40403);
        }
        return new RegisteredSchema(id, RegisteredSchema.AVRO, schemas.get(id - 1), List.of());
    }

    @Override
    public List<String> schemaTypes() {
        return List.of(RegisteredSchema.AVRO);
    }

    private static UnsupportedOperationException toolsOnly() {
        return new UnsupportedOperationException("decoders only read schemas by id");
    }

    @Override
    public List<String> subjects() {
        throw toolsOnly();
    }

    @Override
    public List<Integer> versions(String subject) {
        throw toolsOnly();
    }

    @Override
    public SubjectVersion version(String subject, int version) {
        throw toolsOnly();
    }

    @Override
    public SubjectVersion latestVersion(String subject) {
        throw toolsOnly();
    }

    @Override
    public int register(String subject, String schemaType, String schema, List<SchemaReference> references) {
        throw toolsOnly();
    }

    @Override
    public SubjectVersion lookup(String subject, String schemaType, String schema, List<SchemaReference> references) {
        throw toolsOnly();
    }

    @Override
    public CompatibilityResult compatibility(
            String subject, int version, String schemaType, String schema, List<SchemaReference> references) {
        throw toolsOnly();
    }

    @Override
    public CompatibilityResult compatibilityWithLatest(
            String subject, String schemaType, String schema, List<SchemaReference> references) {
        throw toolsOnly();
    }

    @Override
    public CompatibilityLevel globalCompatibility() {
        throw toolsOnly();
    }

    @Override
    public CompatibilityLevel setGlobalCompatibility(CompatibilityLevel level) {
        throw toolsOnly();
    }

    @Override
    public Optional<CompatibilityLevel> subjectCompatibility(String subject) {
        throw toolsOnly();
    }

    @Override
    public CompatibilityLevel setSubjectCompatibility(String subject, CompatibilityLevel level) {
        throw toolsOnly();
    }

    @Override
    public void deleteSubjectCompatibility(String subject) {
        throw toolsOnly();
    }

    @Override
    public RegistryMode globalMode() {
        throw toolsOnly();
    }

    @Override
    public RegistryMode setGlobalMode(RegistryMode mode) {
        throw toolsOnly();
    }

    @Override
    public Optional<RegistryMode> subjectMode(String subject) {
        throw toolsOnly();
    }

    @Override
    public RegistryMode setSubjectMode(String subject, RegistryMode mode) {
        throw toolsOnly();
    }

    @Override
    public List<Integer> deleteSubject(String subject, Deletion deletion) {
        throw toolsOnly();
    }

    @Override
    public int deleteVersion(String subject, int version, Deletion deletion) {
        throw toolsOnly();
    }

    @Override
    public void close() {}
}
