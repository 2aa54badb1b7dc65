package dev.floe.deploy.registry;

import java.util.Objects;

/**
 * The key of a record in the schema store topic. The topic is compacted, so a key names one
 * thing whose newest value is its state: a version of a subject, a config, a mode, or the id
 * watermark.
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

    /** The config (compatibility level, normalize) of {@code subject}, or the global one when subject is null. */
    record Config(String subject) implements StoreKey {
        static final Config GLOBAL = new Config(null);
    }

    /** The mode of {@code subject}, or the global one when subject is null. */
    record Mode(String subject) implements StoreKey {
        static final Mode GLOBAL = new Mode(null);
    }

    /**
     * The highest schema id ever assigned. Versions deleted permanently leave the topic when it is
     * compacted; this record keeps their ids from being handed out again.
     */
    record IdWatermark() implements StoreKey {
        static final IdWatermark INSTANCE = new IdWatermark();
    }
}
