package dev.floe.deploy.registry;

import dev.floe.deploy.registry.SchemaRegistryService.SchemaRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Registers schemas under subjects and checks their compatibility, as the subject's mode and
 * compatibility level say. Thread-safe.
 *
 * <p>In READWRITE mode a new schema must satisfy the subject's compatibility level (see {@link
 * AvroCompatibility}); the same schema again answers its id without a new version. In IMPORT mode
 * a registration brings its id (and optionally its version) and is not checked: it migrates
 * schemas from another registry with the ids their records already carry. READONLY refuses both.
 */
final class SchemaRegistration {
    /** The answer to a compatibility check: compatible, or why not. */
    record Check(boolean compatible, List<String> messages) {
        Check {
            messages = List.copyOf(messages);
        }
    }

    private final KafkaSchemaStore store;

    SchemaRegistration(KafkaSchemaStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Registers {@code request} under {@code subject} and returns its global id: the same id for a
     * schema already registered under any subject, and no new version when the subject already
     * holds it.
     *
     * @param normalize register the normalized schema (also when the subject's config says so)
     */
    int register(String subject, SchemaRequest request, boolean normalize) {
        String action = "register a schema under subject '" + subject + "'";
        if (request.id() == null && request.version() == null) {
            // registering a known schema again is the common case: answer it without the writer role
            Optional<Integer> known = store.readLatest(state -> {
                checkMode(state, subject, false, action);
                SchemaContent content = SchemaRegistryService.parse(
                                state, action, request, normalize || state.normalizeInScope(subject))
                        .content();
                return state.find(subject, content, false).map(RegistryState.Version::id);
            });
            if (known.isPresent()) {
                return known.get();
            }
        }
        return store.write(state -> decide(state, subject, request, normalize, action));
    }

    private KafkaSchemaStore.Write<Integer> decide(
            RegistryState state, String subject, SchemaRequest request, boolean normalize, String action) {
        boolean importing = request.id() != null;
        checkMode(state, subject, importing, action);
        AvroCanonicalizer.Parsed parsed =
                SchemaRegistryService.parse(state, action, request, normalize || state.normalizeInScope(subject));
        if (importing) {
            return importVersion(state, subject, request, parsed.content(), action);
        }
        SchemaContent content = parsed.content();
        Optional<RegistryState.Version> found = state.find(subject, content, false);
        if (found.isPresent()) {
            return KafkaSchemaStore.Write.answered(latest -> found.get().id());
        }
        int version = state.nextVersion(subject);
        if (request.version() != null && request.version() != version) {
            throw new RegistryException(
                    RegistryError.INVALID_SCHEMA,
                    "Cannot " + action + ": version " + request.version() + " is not the next version, " + version
                            + " (a version of your own is for IMPORT mode)");
        }
        CompatibilityLevel level = state.compatibilityInScope(subject);
        List<String> problems = AvroCompatibility.problems(level, parsed.avro(), earlier(state, subject, level));
        if (!problems.isEmpty()) {
            throw new RegistryException(
                    RegistryError.INCOMPATIBLE_SCHEMA,
                    "Cannot " + action + ": the schema is incompatible with an earlier version under compatibility"
                            + " level " + level + ": " + String.join("; ", problems));
        }
        int id = state.id(content).orElse(state.nextId());
        return append(subject, version, id, content, action);
    }

    /** Registers {@code content} with the request's own id and version, unchecked. */
    private KafkaSchemaStore.Write<Integer> importVersion(
            RegistryState state, String subject, SchemaRequest request, SchemaContent content, String action) {
        int id = request.id();
        Optional<SchemaContent> bound = state.schema(id);
        if (bound.isPresent() && !bound.get().equals(content)) {
            throw new RegistryException(
                    RegistryError.ID_DOES_NOT_MATCH,
                    "Cannot " + action + ": schema id " + id + " is already another schema; overwriting it is not"
                            + " permitted");
        }
        if (request.version() == null) {
            Optional<RegistryState.Version> found = state.versions(subject, false).stream()
                    .filter(version -> version.id() == id)
                    .findFirst();
            if (found.isPresent()) {
                return KafkaSchemaStore.Write.answered(latest -> id);
            }
        }
        int version = request.version() == null ? state.nextVersion(subject) : request.version();
        Optional<RegistryState.Version> existing = state.version(subject, version, true);
        if (existing.isPresent()) {
            if (existing.get().id() == id && !existing.get().deleted()) {
                return KafkaSchemaStore.Write.answered(latest -> id);
            }
            throw new RegistryException(
                    RegistryError.OPERATION_NOT_PERMITTED,
                    "Cannot " + action + ": version " + version + " already holds schema id "
                            + existing.get().id() + (existing.get().deleted() ? " (soft-deleted)" : ""));
        }
        return append(subject, version, id, content, action);
    }

    private static KafkaSchemaStore.Write<Integer> append(
            String subject, int version, int id, SchemaContent content, String action) {
        return KafkaSchemaStore.Write.append(
                new StoreKey.Schema(subject, version),
                new StoreValue.Schema(subject, version, id, content, false),
                written -> written.version(subject, version, false)
                        .orElseThrow(() -> new RegistryException(
                                RegistryError.STORE_ERROR,
                                "Cannot " + action + ": the store did not read back version " + version))
                        .id());
    }

    /**
     * Whether {@code request} could be registered under {@code subject}: against version {@code
     * versionText} ({@code latest} for the newest; a subject without versions accepts anything),
     * or with {@code versionText} null against the versions the subject's level names.
     *
     * @param verbose answer an invalid schema as incompatible with the reason, rather than 42201
     */
    Check check(String subject, String versionText, SchemaRequest request, boolean normalize, boolean verbose) {
        String action = "check a schema against " + (versionText == null ? "the versions" : "version " + versionText)
                + " of subject '" + subject + "'";
        int requested = versionText == null ? 0 : RegistryArguments.version(versionText, action);
        return store.readLatest(state -> {
            AvroCanonicalizer.Parsed parsed;
            try {
                parsed = SchemaRegistryService.parse(
                        state, action, request, normalize || state.normalizeInScope(subject));
            } catch (RegistryException e) {
                if (verbose && e.error() == RegistryError.INVALID_SCHEMA) {
                    return new Check(false, List.of(e.getMessage()));
                }
                throw e;
            }
            CompatibilityLevel level = state.compatibilityInScope(subject);
            List<String> problems;
            if (versionText == null) {
                problems = AvroCompatibility.problems(level, parsed.avro(), earlier(state, subject, level));
            } else if (requested == RegistryArguments.LATEST && !state.hasSubject(subject, false)) {
                problems = List.of();
            } else {
                RegistryState.Version version = SchemaRegistryService.find(state, subject, requested, false, action);
                problems = AvroCompatibility.problems(level, parsed.avro(), earlier(state, version));
            }
            if (problems.isEmpty()) {
                return new Check(true, List.of());
            }
            List<String> messages = new ArrayList<>(problems);
            messages.add("compatibility level: " + level);
            return new Check(false, messages);
        });
    }

    /** The live versions a new schema is checked against under {@code level}, oldest first. */
    private static List<AvroCompatibility.Earlier> earlier(
            RegistryState state, String subject, CompatibilityLevel level) {
        List<RegistryState.Version> live = state.versions(subject, false);
        if (level == CompatibilityLevel.NONE || live.isEmpty()) {
            return List.of();
        }
        List<RegistryState.Version> relevant =
                level.name().endsWith("_TRANSITIVE") ? live : List.of(live.get(live.size() - 1));
        List<AvroCompatibility.Earlier> earlier = new ArrayList<>();
        for (RegistryState.Version version : relevant) {
            earlier.add(earlier(state, version));
        }
        return earlier;
    }

    private static AvroCompatibility.Earlier earlier(RegistryState state, RegistryState.Version version) {
        SchemaContent content = state.schema(version.id()).orElseThrow();
        return new AvroCompatibility.Earlier(version.version(), AvroCanonicalizer.parseStored(content, state));
    }

    /**
     * Refuses a registration the subject's mode does not allow: none in a read-only mode, one with
     * its own id only in IMPORT, one without only in READWRITE.
     */
    private static void checkMode(RegistryState state, String subject, boolean importing, String action) {
        RegistryArguments.requireWritable(state, subject, action);
        RegistryMode mode = state.modeInScope(subject);
        if (importing && mode != RegistryMode.IMPORT) {
            throw new RegistryException(
                    RegistryError.OPERATION_NOT_PERMITTED,
                    "Cannot " + action + ": the request gives a schema id, and subject '" + subject
                            + "' is not in IMPORT mode but " + mode);
        }
        if (!importing && mode != RegistryMode.READWRITE) {
            throw new RegistryException(
                    RegistryError.OPERATION_NOT_PERMITTED,
                    "Cannot " + action + ": subject '" + subject + "' is in " + mode
                            + " mode; a registration there must give the schema id");
        }
    }
}
