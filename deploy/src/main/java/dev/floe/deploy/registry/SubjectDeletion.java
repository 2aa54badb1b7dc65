package dev.floe.deploy.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Deletes versions and subjects as Confluent's registry does, in two steps. A soft delete hides a
 * version from reads by subject and from compatibility checks; its id still resolves, and its
 * number is not reused. A permanent delete, allowed only after a soft one, removes the version
 * from the store; once a subject has no version left, its own config and mode go too.
 *
 * <p>A version that other schemas reference cannot be deleted (42206): live referrers block a soft
 * delete, any referrer a permanent one. Every deletion is one transaction on the store topic,
 * written by whichever registry holds the writer role. Thread-safe.
 */
final class SubjectDeletion {
    private final KafkaSchemaStore store;

    SubjectDeletion(KafkaSchemaStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** Deletes version {@code versionText} ({@code latest} for the newest) of {@code subject}; returns its number. */
    int deleteVersion(String subject, String versionText, boolean permanent) {
        String action = (permanent ? "permanently delete" : "delete") + " version " + versionText + " of subject '"
                + subject + "'";
        int requested = RegistryArguments.version(versionText, action);
        return store.write(state -> {
            RegistryArguments.requireWritable(state, subject, action);
            // a soft delete of "latest" is the newest live version; a permanent one the newest of all
            RegistryState.Version version = SchemaRegistryService.find(state, subject, requested, true, action);
            if (requested == RegistryArguments.LATEST && !permanent) {
                version = SchemaRegistryService.find(state, subject, requested, false, action);
            }
            if (!permanent && version.deleted()) {
                throw new RegistryException(
                        RegistryError.VERSION_SOFT_DELETED,
                        "Cannot " + action + ": version " + version.version()
                                + " is already soft-deleted; set permanent=true to delete it permanently");
            }
            if (permanent && !version.deleted()) {
                throw new RegistryException(
                        RegistryError.VERSION_NOT_SOFT_DELETED,
                        "Cannot " + action + ": version " + version.version()
                                + " must be soft-deleted before it is deleted permanently");
            }
            requireUnreferenced(state, version, permanent, false, action);
            Map<StoreKey, StoreValue> records = new LinkedHashMap<>();
            int number = version.version();
            if (permanent) {
                records.put(new StoreKey.Schema(subject, number), null);
                boolean last = state.versions(subject, true).size() == 1;
                forgetSubject(state, subject, last, records);
                records.put(StoreKey.IdWatermark.INSTANCE, new StoreValue.IdWatermark(state.highestId()));
            } else {
                records.put(new StoreKey.Schema(subject, number), softDeleted(state, version));
            }
            return new KafkaSchemaStore.Write<>(records, written -> number);
        });
    }

    /** Deletes every version of {@code subject}; returns their numbers, oldest first. */
    List<Integer> deleteSubject(String subject, boolean permanent) {
        String action = (permanent ? "permanently delete" : "delete") + " subject '" + subject + "'";
        return store.write(state -> {
            RegistryArguments.requireWritable(state, subject, action);
            if (!state.hasSubject(subject, true)) {
                throw RegistryArguments.subjectNotFound(subject, action);
            }
            List<RegistryState.Version> versions = state.versions(subject, permanent);
            if (!permanent && versions.isEmpty()) {
                throw new RegistryException(
                        RegistryError.SUBJECT_SOFT_DELETED,
                        "Cannot " + action + ": it is already soft-deleted; set permanent=true to delete it"
                                + " permanently");
            }
            if (permanent && versions.stream().anyMatch(version -> !version.deleted())) {
                throw new RegistryException(
                        RegistryError.SUBJECT_NOT_SOFT_DELETED,
                        "Cannot " + action + ": it must be soft-deleted before it is deleted permanently");
            }
            Map<StoreKey, StoreValue> records = new LinkedHashMap<>();
            List<Integer> numbers = new ArrayList<>();
            for (RegistryState.Version version : versions) {
                requireUnreferenced(state, version, permanent, true, action);
                numbers.add(version.version());
                records.put(
                        new StoreKey.Schema(subject, version.version()),
                        permanent ? null : softDeleted(state, version));
            }
            if (permanent) {
                forgetSubject(state, subject, true, records);
                records.put(StoreKey.IdWatermark.INSTANCE, new StoreValue.IdWatermark(state.highestId()));
            }
            return new KafkaSchemaStore.Write<>(records, written -> List.copyOf(numbers));
        });
    }

    /** With the subject's last version gone, its own config and mode go too. */
    private static void forgetSubject(
            RegistryState state, String subject, boolean lastVersion, Map<StoreKey, StoreValue> records) {
        if (!lastVersion) {
            return;
        }
        if (state.subjectConfig(subject).isPresent()) {
            records.put(new StoreKey.Config(subject), null);
        }
        if (state.subjectMode(subject).isPresent()) {
            records.put(new StoreKey.Mode(subject), null);
        }
    }

    /**
     * Refuses to delete a version that other schema versions reference; with {@code wholeSubject},
     * versions of the same subject, which go with it, do not count.
     */
    private static void requireUnreferenced(
            RegistryState state,
            RegistryState.Version version,
            boolean permanent,
            boolean wholeSubject,
            String action) {
        List<RegistryState.Version> referrers =
                state.referencedBy(version.subject(), version.version(), permanent).stream()
                        .filter(referrer -> !(wholeSubject && referrer.subject().equals(version.subject())))
                        .toList();
        if (!referrers.isEmpty()) {
            RegistryState.Version first = referrers.get(0);
            throw new RegistryException(
                    RegistryError.REFERENCE_EXISTS,
                    "Cannot " + action + ": version " + version.version() + " is referenced by " + referrers.size()
                            + " schema version(s), such as version " + first.version() + " of subject '"
                            + first.subject() + "' (schema id " + first.id() + ")");
        }
    }

    private static StoreValue.Schema softDeleted(RegistryState state, RegistryState.Version version) {
        SchemaContent content = state.schema(version.id()).orElseThrow();
        return new StoreValue.Schema(version.subject(), version.version(), version.id(), content, true);
    }
}
