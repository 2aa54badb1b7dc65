package dev.floe.deploy.registry;

import dev.floe.registry.SchemaReference;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The registry's read operations, independent of HTTP: each answers a value or throws a {@link
 * RegistryException} carrying the Confluent error code. Thread-safe.
 *
 * <p>Reads answer from this process's state; a read that would answer "not found" first catches up
 * with the store topic, so an id or version that another registry on the same topic has just
 * assigned is found rather than reported missing.
 */
final class SchemaRegistryService {
    /**
     * A schema as sent by a client to register, look up or check. {@code id} and {@code version}
     * are given only to import a schema (IMPORT mode).
     */
    record SchemaRequest(
            String schema, String schemaType, List<SchemaReference> references, Integer id, Integer version) {
        SchemaRequest {
            references = references == null ? List.of() : List.copyOf(references);
            if ((id != null && id < 1) || (version != null && version < 1)) {
                throw new IllegalArgumentException("an imported id and version start at 1: " + id + ", " + version);
            }
        }

        SchemaRequest(String schema, String schemaType, List<SchemaReference> references) {
            this(schema, schemaType, references, null, null);
        }
    }

    /** A schema registered under a subject. */
    record SubjectSchema(String subject, int version, int id, SchemaContent content, boolean deleted) {}

    private final KafkaSchemaStore store;

    SchemaRegistryService(KafkaSchemaStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The types this registry validates and stores. */
    List<String> schemaTypes() {
        return List.of(SchemaContent.AVRO);
    }

    /**
     * The version of {@code subject} that holds {@code request}'s schema, as the client sent it or
     * normalized: a schema registered with {@code normalize} is found either way.
     */
    SubjectSchema lookup(String subject, SchemaRequest request, boolean normalize, boolean includeDeleted) {
        String action = "look up a schema under subject '" + subject + "'";
        // references resolve against the newest state: the referenced version may be brand new
        return store.readLatest(state -> {
            if (!state.hasSubject(subject, includeDeleted)) {
                throw RegistryArguments.subjectNotFound(subject, action);
            }
            boolean normalized = normalize || state.normalizeInScope(subject);
            AvroCanonicalizer.Parsed parsed = parse(state, action, request, normalized);
            Optional<RegistryState.Version> found = state.find(subject, parsed.content(), includeDeleted);
            if (found.isEmpty() && !normalized) {
                found = state.find(subject, parse(state, action, request, true).content(), includeDeleted);
            }
            RegistryState.Version version = found.orElseThrow(() ->
                    new RegistryException(RegistryError.SCHEMA_NOT_FOUND, "Cannot " + action + ": schema not found"));
            return subjectSchema(state, version);
        });
    }

    List<String> subjects(boolean includeDeleted) {
        return store.readLatest(state -> state.subjects(includeDeleted));
    }

    List<Integer> versions(String subject, boolean includeDeleted) {
        return answer(state -> {
            List<RegistryState.Version> versions = state.versions(subject, includeDeleted);
            if (versions.isEmpty()) {
                throw RegistryArguments.subjectNotFound(subject, "list the versions of subject '" + subject + "'");
            }
            return versions.stream().map(RegistryState.Version::version).toList();
        });
    }

    /** Version {@code versionText} ({@code latest}, {@code -1} or a number) of {@code subject}. */
    SubjectSchema version(String subject, String versionText, boolean includeDeleted) {
        String action = "get version " + versionText + " of subject '" + subject + "'";
        int requested = RegistryArguments.version(versionText, action);
        return answer(state -> subjectSchema(state, find(state, subject, requested, includeDeleted, action)));
    }

    /** The ids of the live schemas that reference version {@code versionText} of {@code subject}. */
    List<Integer> referencedBy(String subject, String versionText) {
        String action = "list the schemas that reference version " + versionText + " of subject '" + subject + "'";
        int requested = RegistryArguments.version(versionText, action);
        return answer(state -> {
            RegistryState.Version version = find(state, subject, requested, false, action);
            return state.referencingIds(subject, version.version());
        });
    }

    SchemaContent schemaById(String idText) {
        int id = RegistryArguments.id(idText);
        return answer(state -> state.schema(id).orElseThrow(() -> RegistryArguments.schemaNotFound(idText)));
    }

    /** Every subject version that holds schema {@code idText}. */
    List<RegistryState.Version> versionsOfSchema(String idText, boolean includeDeleted) {
        int id = RegistryArguments.id(idText);
        return answer(state -> {
            if (state.schema(id).isEmpty()) {
                throw RegistryArguments.schemaNotFound(idText);
            }
            return state.versionsOf(id, includeDeleted);
        });
    }

    /** The version {@code requested} ({@link RegistryArguments#LATEST} for the newest) of {@code subject}. */
    static RegistryState.Version find(
            RegistryState state, String subject, int requested, boolean includeDeleted, String action) {
        if (!state.hasSubject(subject, includeDeleted)) {
            throw RegistryArguments.subjectNotFound(subject, action);
        }
        Optional<RegistryState.Version> version = requested == RegistryArguments.LATEST
                ? state.latest(subject, includeDeleted)
                : state.version(subject, requested, includeDeleted);
        return version.orElseThrow(() -> new RegistryException(
                RegistryError.VERSION_NOT_FOUND, "Cannot " + action + ": version " + requested + " not found"));
    }

    /**
     * Parses the request's schema against {@code state}.
     *
     * @throws RegistryException 42201 when the type is not Avro, the schema is missing, or Avro
     *     refuses it
     */
    static AvroCanonicalizer.Parsed parse(
            RegistryState state, String action, SchemaRequest request, boolean normalize) {
        String type = request.schemaType() == null
                ? SchemaContent.AVRO
                : request.schemaType().toUpperCase(Locale.ROOT);
        if (!SchemaContent.AVRO.equals(type)) {
            throw new RegistryException(
                    RegistryError.INVALID_SCHEMA,
                    "Cannot " + action + ": schema type " + request.schemaType()
                            + " is not supported, this registry stores AVRO schemas");
        }
        if (request.schema() == null) {
            throw new RegistryException(
                    RegistryError.INVALID_SCHEMA, "Cannot " + action + ": the request has no schema");
        }
        try {
            return AvroCanonicalizer.parse(request.schema(), request.references(), state, normalize);
        } catch (RegistryException e) {
            if (e.error() != RegistryError.INVALID_SCHEMA) {
                throw e;
            }
            throw new RegistryException(RegistryError.INVALID_SCHEMA, "Cannot " + action + ": " + e.getMessage(), e);
        }
    }

    private static SubjectSchema subjectSchema(RegistryState state, RegistryState.Version version) {
        return new SubjectSchema(
                version.subject(),
                version.version(),
                version.id(),
                state.schema(version.id()).orElseThrow(),
                version.deleted());
    }

    /** Answers from local state, catching up with the topic first when the answer is "not found". */
    private <T> T answer(Function<RegistryState, T> query) {
        try {
            return store.read(query);
        } catch (RegistryException e) {
            if (e.error().httpStatus() != 404) {
                throw e;
            }
            return store.readLatest(query);
        }
    }
}
