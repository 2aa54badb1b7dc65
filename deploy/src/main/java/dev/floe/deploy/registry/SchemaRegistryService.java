package dev.floe.deploy.registry;

import dev.floe.registry.SchemaReference;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The registry's operations, independent of HTTP: each answers a value or throws a {@link
 * RegistryException} carrying the Confluent error code. Thread-safe.
 *
 * <p>Reads answer from this process's state; a read that would answer "not found" first catches up
 * with the store topic, so an id or version that another registry on the same topic has just
 * assigned is found rather than reported missing.
 */
final class SchemaRegistryService {
    /** A schema as sent by a client to register or look up. */
    record SchemaRequest(String schema, String schemaType, List<SchemaReference> references) {
        SchemaRequest {
            references = references == null ? List.of() : List.copyOf(references);
        }
    }

    /** A schema registered under a subject. */
    record SubjectSchema(String subject, int version, int id, SchemaContent content) {}

    private final KafkaSchemaStore store;

    SchemaRegistryService(KafkaSchemaStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The types this registry validates and stores. */
    List<String> schemaTypes() {
        return List.of(SchemaContent.AVRO);
    }

    /**
     * Registers {@code request} under {@code subject} and returns its global id: the same id for a
     * schema already registered under any subject, and no new version when the subject already
     * holds it.
     */
    int register(String subject, SchemaRequest request) {
        SchemaContent content = canonicalize("register a schema under subject '" + subject + "'", request);
        Optional<RegistryState.Version> known = store.read(state -> state.find(subject, content));
        if (known.isPresent()) {
            return known.get().id();
        }
        return store.write(state -> {
            Optional<RegistryState.Version> found = state.find(subject, content);
            if (found.isPresent()) {
                return KafkaSchemaStore.Write.answered(latest -> found.get().id());
            }
            int id = state.id(content).orElse(state.nextId());
            int version = state.nextVersion(subject);
            return KafkaSchemaStore.Write.append(
                    new StoreKey.Schema(subject, version),
                    new StoreValue.Schema(subject, version, id, content, false),
                    written -> written.find(subject, content)
                            .orElseThrow(() -> new RegistryException(
                                    RegistryError.STORE_ERROR,
                                    "Cannot register a schema under subject '" + subject
                                            + "': the store did not read back version " + version))
                            .id());
        });
    }

    /** The version of {@code subject} that holds {@code request}'s schema. */
    SubjectSchema lookup(String subject, SchemaRequest request) {
        String action = "look up a schema under subject '" + subject + "'";
        SchemaContent content = canonicalize(action, request);
        return answer(state -> {
            requireSubject(state, subject, action);
            RegistryState.Version version = state.find(subject, content)
                    .orElseThrow(() -> new RegistryException(
                            RegistryError.SCHEMA_NOT_FOUND, "Cannot " + action + ": schema not found"));
            return new SubjectSchema(subject, version.version(), version.id(), content);
        });
    }

    List<String> subjects() {
        return store.readLatest(RegistryState::subjects);
    }

    List<Integer> versions(String subject) {
        return answer(state -> {
            requireSubject(state, subject, "list the versions of subject '" + subject + "'");
            return state.versions(subject).stream()
                    .map(RegistryState.Version::version)
                    .toList();
        });
    }

    /** Version {@code versionText} ({@code latest}, {@code -1} or a number) of {@code subject}. */
    SubjectSchema version(String subject, String versionText) {
        String action = "get version " + versionText + " of subject '" + subject + "'";
        int requested = parseVersion(versionText, action);
        return answer(state -> {
            requireSubject(state, subject, action);
            Optional<RegistryState.Version> version =
                    requested == -1 ? state.latest(subject) : state.version(subject, requested);
            RegistryState.Version found = version.orElseThrow(() ->
                    new RegistryException(RegistryError.VERSION_NOT_FOUND, "Cannot " + action + ": version not found"));
            return new SubjectSchema(
                    subject,
                    found.version(),
                    found.id(),
                    state.schema(found.id()).orElseThrow());
        });
    }

    SchemaContent schemaById(String idText) {
        int id = parseId(idText);
        return answer(state -> state.schema(id).orElseThrow(() -> schemaNotFound(idText)));
    }

    /** Every subject version that holds schema {@code idText}. */
    List<RegistryState.Version> versionsOfSchema(String idText) {
        int id = parseId(idText);
        return answer(state -> {
            if (state.schema(id).isEmpty()) {
                throw schemaNotFound(idText);
            }
            return state.versionsOf(id);
        });
    }

    CompatibilityLevel globalCompatibility() {
        return store.read(RegistryState::globalCompatibility);
    }

    /**
     * The compatibility level of {@code subject}; with {@code defaultToGlobal} the global one when
     * the subject has none of its own.
     */
    CompatibilityLevel subjectCompatibility(String subject, boolean defaultToGlobal) {
        return answer(state -> state.subjectCompatibility(subject)
                .or(() -> defaultToGlobal ? Optional.of(state.globalCompatibility()) : Optional.empty())
                .orElseThrow(() -> new RegistryException(
                        RegistryError.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                        "Cannot get the compatibility level of subject '" + subject
                                + "': the subject has no compatibility level of its own")));
    }

    /** Sets the compatibility level of {@code subject}, or the global one when it is null. */
    CompatibilityLevel setCompatibility(String subject, String levelText) {
        String target =
                subject == null ? "the global compatibility level" : "the compatibility level of '" + subject + "'";
        CompatibilityLevel level = CompatibilityLevel.parse(levelText)
                .orElseThrow(() -> new RegistryException(
                        RegistryError.INVALID_COMPATIBILITY_LEVEL,
                        "Cannot set " + target + ": '" + levelText + "' is not one of "
                                + List.of(CompatibilityLevel.values())));
        StoreKey.Config key = subject == null ? StoreKey.Config.GLOBAL : new StoreKey.Config(subject);
        // always recorded, even when unchanged: a stored level does not move with the default
        return store.write(state -> KafkaSchemaStore.Write.append(key, new StoreValue.Config(level), written -> level));
    }

    /** Removes {@code subject}'s own compatibility level and returns it. */
    CompatibilityLevel deleteCompatibility(String subject) {
        return store.write(state -> {
            CompatibilityLevel current = state.subjectCompatibility(subject)
                    .orElseThrow(() -> new RegistryException(
                            RegistryError.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                            "Cannot delete the compatibility level of subject '" + subject
                                    + "': the subject has none of its own"));
            return KafkaSchemaStore.Write.append(new StoreKey.Config(subject), null, written -> current);
        });
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

    private SchemaContent canonicalize(String action, SchemaRequest request) {
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
            // references resolve against the newest state: the referenced version may be brand new
            return store.readLatest(
                    state -> AvroCanonicalizer.canonicalize(request.schema(), request.references(), state));
        } catch (RegistryException e) {
            if (e.error() != RegistryError.INVALID_SCHEMA) {
                throw e;
            }
            throw new RegistryException(RegistryError.INVALID_SCHEMA, "Cannot " + action + ": " + e.getMessage(), e);
        }
    }

    private static void requireSubject(RegistryState state, String subject, String action) {
        if (!state.hasSubject(subject)) {
            throw new RegistryException(RegistryError.SUBJECT_NOT_FOUND, "Cannot " + action + ": subject not found");
        }
    }

    private static int parseVersion(String text, String action) {
        if ("latest".equals(text)) {
            return -1;
        }
        try {
            int version = Integer.parseInt(text);
            if (version == -1 || version >= 1) {
                return version;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed values
        }
        throw new RegistryException(
                RegistryError.INVALID_VERSION,
                "Cannot " + action + ": a version is a number from 1 to " + Integer.MAX_VALUE + ", -1 or \"latest\"");
    }

    private static int parseId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw schemaNotFound(text);
        }
    }

    private static RegistryException schemaNotFound(String idText) {
        return new RegistryException(
                RegistryError.SCHEMA_NOT_FOUND, "Cannot get schema " + idText + ": schema not found");
    }
}
