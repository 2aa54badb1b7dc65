package dev.floe.deploy.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
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
    private final Map<String, NavigableMap<Integer, Version>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectCompatibility = new HashMap<>();
    private CompatibilityLevel globalCompatibility;
    private int maxId;
    private long appliedRecords;

    RegistryState(CompatibilityLevel defaultCompatibility) {
        this.defaultCompatibility = defaultCompatibility;
        this.globalCompatibility = defaultCompatibility;
    }

    /** Applies one record of the topic; a null value is a tombstone that removes its key. */
    void apply(StoreKey key, StoreValue value) {
        appliedRecords++;
        if (key instanceof StoreKey.Schema) {
            applySchema((StoreKey.Schema) key, (StoreValue.Schema) value);
        } else {
            StoreKey.Config config = (StoreKey.Config) key;
            CompatibilityLevel level = value == null ? null : ((StoreValue.Config) value).compatibility();
            if (config.subject() == null) {
                globalCompatibility = level == null ? defaultCompatibility : level;
            } else if (level == null) {
                subjectCompatibility.remove(config.subject());
            } else {
                subjectCompatibility.put(config.subject(), level);
            }
        }
    }

    private void applySchema(StoreKey.Schema key, StoreValue.Schema value) {
        if (value == null) {
            NavigableMap<Integer, Version> versions = subjects.get(key.subject());
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
        }
        schemasById.put(value.id(), value.content());
        idsBySchema.putIfAbsent(value.content(), value.id());
        maxId = Math.max(maxId, value.id());
        subjects.computeIfAbsent(value.subject(), subject -> new TreeMap<>())
                .put(value.version(), new Version(value.subject(), value.version(), value.id(), value.deleted()));
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

    /** The id a new schema gets: ids are never reused. */
    int nextId() {
        return maxId + 1;
    }

    /** The version a new schema under {@code subject} gets: soft-deleted numbers are not reused. */
    int nextVersion(String subject) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
    }

    /** Subjects with at least one live version, sorted. */
    List<String> subjects() {
        List<String> names = new ArrayList<>();
        subjects.forEach((name, versions) -> {
            if (versions.values().stream().anyMatch(version -> !version.deleted())) {
                names.add(name);
            }
        });
        return names;
    }

    boolean hasSubject(String subject) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        return versions != null && versions.values().stream().anyMatch(version -> !version.deleted());
    }

    /** The live versions of {@code subject}, oldest first. */
    List<Version> versions(String subject) {
        List<Version> live = new ArrayList<>();
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        if (versions != null) {
            versions.values().stream().filter(version -> !version.deleted()).forEach(live::add);
        }
        return live;
    }

    Optional<Version> version(String subject, int version) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        Version found = versions == null ? null : versions.get(version);
        return found == null || found.deleted() ? Optional.empty() : Optional.of(found);
    }

    Optional<Version> latest(String subject) {
        List<Version> live = versions(subject);
        return live.isEmpty() ? Optional.empty() : Optional.of(live.get(live.size() - 1));
    }

    /** The live version of {@code subject} that holds {@code content}, the oldest if several. */
    Optional<Version> find(String subject, SchemaContent content) {
        OptionalInt id = id(content);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return versions(subject).stream()
                .filter(version -> version.id() == id.getAsInt())
                .findFirst();
    }

    /** Every live subject version that holds schema {@code id}. */
    List<Version> versionsOf(int id) {
        List<Version> found = new ArrayList<>();
        for (NavigableMap<Integer, Version> versions : subjects.values()) {
            for (Version version : versions.values()) {
                if (version.id() == id && !version.deleted()) {
                    found.add(version);
                }
            }
        }
        return found;
    }

    CompatibilityLevel globalCompatibility() {
        return globalCompatibility;
    }

    Optional<CompatibilityLevel> subjectCompatibility(String subject) {
        return Optional.ofNullable(subjectCompatibility.get(subject));
    }
}
