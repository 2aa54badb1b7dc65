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

    /** A compatibility level. */
    record Config(CompatibilityLevel compatibility) implements StoreValue {
        public Config {
            Objects.requireNonNull(compatibility, "compatibility");
        }
    }
}
