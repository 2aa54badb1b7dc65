package dev.floe.deploy.registry;

import java.util.Objects;

/**
 * The key of a record in the schema store topic. The topic is compacted, so a key names one
 * thing whose newest value is its state: a version of a subject, or a compatibility setting.
 */
sealed interface StoreKey {
    /** Version {@code version} of {@code subject}. */
    record Schema(String subject, int version) implements StoreKey {
        public Schema {
            Objects.requireNonNull(subject, "subject");
            if (version < 1) {
                throw new IllegalArgumentException("a subject version starts at 1: " + version);
            }
        }
    }

    /** The compatibility setting of {@code subject}, or the global one when subject is null. */
    record Config(String subject) implements StoreKey {
        static final Config GLOBAL = new Config(null);
    }
}
