package dev.floe.deploy.registry;

import java.util.Objects;

/** The value of a record in the schema store topic; a tombstone (null) removes its key. */
sealed interface StoreValue {
    /** A schema registered as version {@code version} of {@code subject}, with its global id. */
    record Schema(String subject, int version, int id, SchemaContent content, boolean deleted) implements StoreValue {
        public Schema {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(content, "content");
            if (id < 1) {
                throw new IllegalArgumentException("a schema id starts at 1: " + id);
            }
        }

        StoreKey.Schema key() {
            return new StoreKey.Schema(subject, version);
        }
    }

    /**
     * A config: a compatibility level, whether to normalize schemas, or both. A missing part (null)
     * follows the global config, or for the global config the registry's default.
     */
    record Config(CompatibilityLevel compatibility, Boolean normalize) implements StoreValue {
        public Config {
            if (compatibility == null && normalize == null) {
                throw new IllegalArgumentException("a config sets a compatibility level, normalize, or both");
            }
        }

        Config(CompatibilityLevel compatibility) {
            this(Objects.requireNonNull(compatibility, "compatibility"), null);
        }
    }

    /** A mode. */
    record Mode(RegistryMode mode) implements StoreValue {
        public Mode {
            Objects.requireNonNull(mode, "mode");
        }
    }

    /** The highest schema id ever assigned. */
    record IdWatermark(int highestId) implements StoreValue {
        public IdWatermark {
            if (highestId < 1) {
                throw new IllegalArgumentException("a schema id starts at 1: " + highestId);
            }
        }
    }
}
