package dev.floe.deploy.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The registry's config (compatibility level, normalize) and modes, globally and per subject.
 * Every change is one record on the store topic, written by whichever registry holds the writer
 * role, so all registries on the topic apply it. Thread-safe.
 */
final class RegistryConfiguration {
    /** A config as the API shows it: either part may be absent (null). */
    record Config(CompatibilityLevel compatibility, Boolean normalize) {}

    private final KafkaSchemaStore store;

    RegistryConfiguration(KafkaSchemaStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The global config: its level is the registry's default until one is set. */
    Config globalConfig() {
        return store.read(state -> new Config(
                state.globalCompatibility(),
                state.globalConfig().map(StoreValue.Config::normalize).orElse(null)));
    }

    /**
     * The config of {@code subject}; with {@code defaultToGlobal}, the parts it does not set come
     * from the global config.
     */
    Config subjectConfig(String subject, boolean defaultToGlobal) {
        return answer(state -> {
            Optional<StoreValue.Config> own = state.subjectConfig(subject);
            if (defaultToGlobal) {
                return new Config(state.compatibilityInScope(subject), state.normalizeInScope(subject));
            }
            StoreValue.Config config = own.orElseThrow(() -> new RegistryException(
                    RegistryError.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                    "Cannot get the config of subject '" + subject + "': the subject has no config of its own"));
            return new Config(config.compatibility(), config.normalize());
        });
    }

    /**
     * Sets the config of {@code subject} (null: the global one). A part given as null keeps its
     * current value.
     */
    Config setConfig(String subject, String levelText, Boolean normalize) {
        String target = subject == null ? "the global config" : "the config of subject '" + subject + "'";
        String action = "set " + target;
        CompatibilityLevel level = null;
        if (levelText != null) {
            level = CompatibilityLevel.parse(levelText)
                    .orElseThrow(() -> new RegistryException(
                            RegistryError.INVALID_COMPATIBILITY_LEVEL,
                            "Cannot " + action + ": '" + levelText + "' is not one of "
                                    + List.of(CompatibilityLevel.values())));
        } else if (normalize == null) {
            throw new RegistryException(
                    RegistryError.INVALID_COMPATIBILITY_LEVEL,
                    "Cannot " + action + ": the request sets neither compatibility nor normalize");
        }
        CompatibilityLevel newLevel = level;
        StoreKey.Config key = subject == null ? StoreKey.Config.GLOBAL : new StoreKey.Config(subject);
        return store.write(state -> {
            RegistryArguments.requireWritable(state, subject, action);
            Optional<StoreValue.Config> current = subject == null ? state.globalConfig() : state.subjectConfig(subject);
            StoreValue.Config merged = new StoreValue.Config(
                    newLevel != null
                            ? newLevel
                            : current.map(StoreValue.Config::compatibility).orElse(null),
                    normalize != null
                            ? normalize
                            : current.map(StoreValue.Config::normalize).orElse(null));
            // always recorded, even when unchanged: a stored level does not move with the default
            return KafkaSchemaStore.Write.append(
                    key,
                    merged,
                    written -> new Config(
                            merged.compatibility() == null && subject == null
                                    ? written.globalCompatibility()
                                    : merged.compatibility(),
                            merged.normalize()));
        });
    }

    /**
     * Removes the config of {@code subject} (null: the global one, which falls back to the
     * registry's default) and returns what it was.
     */
    Config deleteConfig(String subject) {
        String action = subject == null ? "delete the global config" : "delete the config of subject '" + subject + "'";
        return store.write(state -> {
            RegistryArguments.requireWritable(state, subject, action);
            if (subject == null) {
                Config previous = new Config(
                        state.globalCompatibility(),
                        state.globalConfig().map(StoreValue.Config::normalize).orElse(null));
                if (state.globalConfig().isEmpty()) {
                    return KafkaSchemaStore.Write.answered(latest -> previous);
                }
                return KafkaSchemaStore.Write.append(StoreKey.Config.GLOBAL, null, written -> previous);
            }
            StoreValue.Config current = state.subjectConfig(subject)
                    .orElseThrow(() -> new RegistryException(
                            RegistryError.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                            "Cannot " + action + ": the subject has no config of its own"));
            return KafkaSchemaStore.Write.append(
                    new StoreKey.Config(subject),
                    null,
                    written -> new Config(current.compatibility(), current.normalize()));
        });
    }

    RegistryMode globalMode() {
        return store.read(RegistryState::globalMode);
    }

    /** The mode of {@code subject}; with {@code defaultToGlobal}, the one in force there. */
    RegistryMode subjectMode(String subject, boolean defaultToGlobal) {
        return answer(state -> {
            if (defaultToGlobal) {
                return state.modeInScope(subject);
            }
            return state.subjectMode(subject)
                    .orElseThrow(() -> new RegistryException(
                            RegistryError.SUBJECT_MODE_NOT_CONFIGURED,
                            "Cannot get the mode of subject '" + subject + "': the subject has no mode of its own"));
        });
    }

    /**
     * Sets the mode of {@code subject} (null: the global one). Entering IMPORT requires that no
     * live subject is in its scope (all of them, for the global mode) unless {@code force}; the
     * soft-deleted versions left there are deleted permanently, so that imports cannot collide
     * with them.
     */
    RegistryMode setMode(String subject, String modeText, boolean force) {
        String target = subject == null ? "the global mode" : "the mode of subject '" + subject + "'";
        String action = "set " + target + " to " + modeText;
        RegistryMode mode = RegistryMode.parse(modeText)
                .orElseThrow(() -> new RegistryException(
                        RegistryError.INVALID_MODE,
                        "Cannot " + action + ": '" + modeText + "' is not one of " + List.of(RegistryMode.values())));
        StoreKey.Mode key = subject == null ? StoreKey.Mode.GLOBAL : new StoreKey.Mode(subject);
        return store.write(state -> {
            Map<StoreKey, StoreValue> records = new LinkedHashMap<>();
            if (mode == RegistryMode.IMPORT && state.modeInScope(subject) != RegistryMode.IMPORT && !force) {
                List<String> scope = subject == null ? state.subjects(true) : List.of(subject);
                for (String name : scope) {
                    if (state.hasSubject(name, false)) {
                        throw new RegistryException(
                                RegistryError.OPERATION_NOT_PERMITTED,
                                "Cannot " + action + ": subject '" + name
                                        + "' has live versions; delete them, or set the mode with force=true");
                    }
                }
                for (String name : scope) {
                    for (RegistryState.Version version : state.versions(name, true)) {
                        if (!state.referencedBy(name, version.version(), true).isEmpty()) {
                            throw new RegistryException(
                                    RegistryError.REFERENCE_EXISTS,
                                    "Cannot " + action + ": soft-deleted version " + version.version() + " of subject '"
                                            + name + "' is still referenced");
                        }
                        records.put(new StoreKey.Schema(name, version.version()), null);
                    }
                }
                if (!records.isEmpty()) {
                    records.put(StoreKey.IdWatermark.INSTANCE, new StoreValue.IdWatermark(state.highestId()));
                }
            }
            records.put(key, new StoreValue.Mode(mode));
            return new KafkaSchemaStore.Write<>(records, written -> mode);
        });
    }

    /** Removes the mode of {@code subject} (null: the global one, back to READWRITE); returns what it was. */
    RegistryMode deleteMode(String subject) {
        String action = subject == null ? "delete the global mode" : "delete the mode of subject '" + subject + "'";
        return store.write(state -> {
            if (subject == null) {
                RegistryMode previous = state.globalMode();
                if (state.globalModeSetting().isEmpty()) {
                    return KafkaSchemaStore.Write.answered(latest -> previous);
                }
                return KafkaSchemaStore.Write.append(StoreKey.Mode.GLOBAL, null, written -> previous);
            }
            RegistryMode current =
                    state.subjectMode(subject).orElseThrow(() -> RegistryArguments.subjectNotFound(subject, action));
            return KafkaSchemaStore.Write.append(new StoreKey.Mode(subject), null, written -> current);
        });
    }

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
