package dev.floe.deploy.registry;

import dev.floe.registry.SchemaReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's state, rebuilt by applying the schema store topic's records in order. Every
 * process that reads the same topic arrives at the same state, so ids and versions agree.
 *
 * <p>Not thread-safe: {@link KafkaSchemaStore} applies records and answers queries under its lock.
 */
final class RegistryState {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryState.class);

    /** One version of a subject. Soft-deleted versions are kept: their numbers are never reused. */
    record Version(String subject, int version, int id, boolean deleted) {}

    private final CompatibilityLevel defaultCompatibility;
    private final Map<Integer, SchemaContent> schemasById = new HashMap<>();
    private final Map<SchemaContent, Integer> idsBySchema = new HashMap<>();
    /** How many versions (live or soft-deleted) hold each id: an id no version holds is forgotten. */
    private final Map<Integer, Integer> holders = new HashMap<>();

    private final Map<String, NavigableMap<Integer, Version>> subjects = new TreeMap<>();
    private final Map<String, StoreValue.Config> subjectConfigs = new HashMap<>();
    private final Map<String, RegistryMode> subjectModes = new HashMap<>();
    private StoreValue.Config globalConfig;
    private RegistryMode globalMode;
    private int maxId;
    private long appliedRecords;

    RegistryState(CompatibilityLevel defaultCompatibility) {
        this.defaultCompatibility = defaultCompatibility;
    }

    /** Applies one record of the topic; a null value is a tombstone that removes its key. */
    void apply(StoreKey key, StoreValue value) {
        appliedRecords++;
        if (key instanceof StoreKey.Schema schema) {
            applySchema(schema, (StoreValue.Schema) value);
        } else if (key instanceof StoreKey.Config config) {
            StoreValue.Config setting = (StoreValue.Config) value;
            if (config.subject() == null) {
                globalConfig = setting;
            } else if (setting == null) {
                subjectConfigs.remove(config.subject());
            } else {
                subjectConfigs.put(config.subject(), setting);
            }
        } else if (key instanceof StoreKey.Mode mode) {
            RegistryMode setting = value == null ? null : ((StoreValue.Mode) value).mode();
            if (mode.subject() == null) {
                globalMode = setting;
            } else if (setting == null) {
                subjectModes.remove(mode.subject());
            } else {
                subjectModes.put(mode.subject(), setting);
            }
        } else if (value != null) {
            maxId = Math.max(maxId, ((StoreValue.IdWatermark) value).highestId());
        }
    }

    private void applySchema(StoreKey.Schema key, StoreValue.Schema value) {
        NavigableMap<Integer, Version> versions = subjects.get(key.subject());
        Version previous = versions == null ? null : versions.get(key.version());
        if (previous != null) {
            release(previous.id());
        }
        if (value == null) {
            if (versions != null) {
                versions.remove(key.version());
                if (versions.isEmpty()) {
                    subjects.remove(key.subject());
                }
            }
            return;
        }
        SchemaContent known = schemasById.get(value.id());
        if (known != null && !known.equals(value.content())) {
            // only a writer that ignored fencing could do this; the newest record wins, as compaction would
            LOG.error(
                    "Schema id {} is bound to two different schemas in the store (subject {} version {}); keeping the"
                            + " newer",
                    value.id(),
                    value.subject(),
                    value.version());
            idsBySchema.remove(known, value.id());
        }
        schemasById.put(value.id(), value.content());
        idsBySchema.putIfAbsent(value.content(), value.id());
        holders.merge(value.id(), 1, Integer::sum);
        maxId = Math.max(maxId, value.id());
        subjects.computeIfAbsent(value.subject(), subject -> new TreeMap<>())
                .put(value.version(), new Version(value.subject(), value.version(), value.id(), value.deleted()));
    }

    /** One version fewer holds {@code id}; with none left, the id resolves no more (its number stays used). */
    private void release(int id) {
        if (holders.merge(id, -1, Integer::sum) <= 0) {
            holders.remove(id);
            SchemaContent content = schemasById.remove(id);
            if (content != null) {
                idsBySchema.remove(content, id);
            }
        }
    }

    long appliedRecords() {
        return appliedRecords;
    }

    int schemaCount() {
        return schemasById.size();
    }

    Optional<SchemaContent> schema(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    /** The global id of {@code content} under any subject. */
    OptionalInt id(SchemaContent content) {
        Integer id = idsBySchema.get(content);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The id a new schema gets: ids are never reused, not even those of permanently deleted versions. */
    int nextId() {
        return maxId + 1;
    }

    int highestId() {
        return maxId;
    }

    /** The version a new schema under {@code subject} gets: soft-deleted numbers are not reused. */
    int nextVersion(String subject) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
    }

    /** Subjects with at least one live version (or any version, with {@code includeDeleted}), sorted. */
    List<String> subjects(boolean includeDeleted) {
        List<String> names = new ArrayList<>();
        subjects.forEach((name, versions) -> {
            if (includeDeleted || versions.values().stream().anyMatch(version -> !version.deleted())) {
                names.add(name);
            }
        });
        return names;
    }

    boolean hasSubject(String subject, boolean includeDeleted) {
        return !versions(subject, includeDeleted).isEmpty();
    }

    /** The versions of {@code subject}, oldest first: live ones, or all with {@code includeDeleted}. */
    List<Version> versions(String subject, boolean includeDeleted) {
        List<Version> found = new ArrayList<>();
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        if (versions != null) {
            versions.values().stream()
                    .filter(version -> includeDeleted || !version.deleted())
                    .forEach(found::add);
        }
        return found;
    }

    Optional<Version> version(String subject, int version, boolean includeDeleted) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        Version found = versions == null ? null : versions.get(version);
        return found == null || (found.deleted() && !includeDeleted) ? Optional.empty() : Optional.of(found);
    }

    /** The newest live version (or the newest of all, with {@code includeDeleted}). */
    Optional<Version> latest(String subject, boolean includeDeleted) {
        List<Version> found = versions(subject, includeDeleted);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }

    /** The version of {@code subject} that holds {@code content}, the oldest if several. */
    Optional<Version> find(String subject, SchemaContent content, boolean includeDeleted) {
        OptionalInt id = id(content);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return versions(subject, includeDeleted).stream()
                .filter(version -> version.id() == id.getAsInt())
                .findFirst();
    }

    /** Every subject version that holds schema {@code id}. */
    List<Version> versionsOf(int id, boolean includeDeleted) {
        List<Version> found = new ArrayList<>();
        for (NavigableMap<Integer, Version> versions : subjects.values()) {
            for (Version version : versions.values()) {
                if (version.id() == id && (includeDeleted || !version.deleted())) {
                    found.add(version);
                }
            }
        }
        return found;
    }

    /**
     * The subject versions whose schemas reference version {@code version} of {@code subject}:
     * live ones, or with {@code includeDeleted} soft-deleted ones too.
     */
    List<Version> referencedBy(String subject, int version, boolean includeDeleted) {
        List<Version> found = new ArrayList<>();
        for (NavigableMap<Integer, Version> versions : subjects.values()) {
            for (Version candidate : versions.values()) {
                if (candidate.deleted() && !includeDeleted) {
                    continue;
                }
                SchemaContent content = schemasById.get(candidate.id());
                if (content != null && references(content, subject, version)) {
                    found.add(candidate);
                }
            }
        }
        return found;
    }

    private static boolean references(SchemaContent content, String subject, int version) {
        for (SchemaReference reference : content.references()) {
            if (reference.subject().equals(subject) && reference.version() == version) {
                return true;
            }
        }
        return false;
    }

    /** The ids of the live versions that reference version {@code version} of {@code subject}, sorted. */
    List<Integer> referencingIds(String subject, int version) {
        TreeSet<Integer> ids = new TreeSet<>();
        referencedBy(subject, version, false).forEach(referrer -> ids.add(referrer.id()));
        return List.copyOf(ids);
    }

    /** The global compatibility level: set, or the registry's default. */
    CompatibilityLevel globalCompatibility() {
        return globalConfig != null && globalConfig.compatibility() != null
                ? globalConfig.compatibility()
                : defaultCompatibility;
    }

    Optional<StoreValue.Config> globalConfig() {
        return Optional.ofNullable(globalConfig);
    }

    Optional<StoreValue.Config> subjectConfig(String subject) {
        return Optional.ofNullable(subjectConfigs.get(subject));
    }

    Optional<CompatibilityLevel> subjectCompatibility(String subject) {
        return subjectConfig(subject).map(StoreValue.Config::compatibility);
    }

    /** The level that applies to {@code subject}: its own, else the global one. */
    CompatibilityLevel compatibilityInScope(String subject) {
        return subjectCompatibility(subject).orElseGet(this::globalCompatibility);
    }

    /** Whether schemas registered under {@code subject} are normalized by default: its config, else the global one. */
    boolean normalizeInScope(String subject) {
        Boolean own = subjectConfig(subject).map(StoreValue.Config::normalize).orElse(null);
        if (own != null) {
            return own;
        }
        return globalConfig != null && Boolean.TRUE.equals(globalConfig.normalize());
    }

    Optional<RegistryMode> globalModeSetting() {
        return Optional.ofNullable(globalMode);
    }

    Optional<RegistryMode> subjectMode(String subject) {
        return Optional.ofNullable(subjectModes.get(subject));
    }

    RegistryMode globalMode() {
        return globalMode == null ? RegistryMode.READWRITE : globalMode;
    }

    /**
     * The mode that applies to {@code subject} (null: the global one): a global {@code
     * READONLY_OVERRIDE} wins, then the subject's own mode, then the global mode.
     */
    RegistryMode modeInScope(String subject) {
        RegistryMode global = globalMode();
        if (global == RegistryMode.READONLY_OVERRIDE || subject == null) {
            return global;
        }
        return subjectMode(subject).orElse(global);
    }
}
