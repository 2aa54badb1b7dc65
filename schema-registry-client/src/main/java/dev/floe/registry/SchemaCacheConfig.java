package dev.floe.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds and lifetimes of a {@link CachingSchemaRegistry}.
 *
 * @param maxSchemas schemas kept by id; the least recently used is evicted beyond it. An id's
 *     schema never changes, so a kept schema is never fetched again.
 * @param maxResolutionsPerSchema writer-to-reader resolutions kept per writer schema, least
 *     recently used evicted beyond it
 * @param maxSubjectVersions subject versions (including each subject's latest) kept, least
 *     recently used evicted beyond it
 * @param subjectTtl how long a subject's version, and above all its latest version, is reused
 *     before it is fetched again; zero fetches every time
 * @param unknownIdTtl how long an id the registry does not know is answered from memory, so that a
 *     burst of records naming it makes one request, not one per record; zero asks every time. A
 *     schema registered during this time is seen only after it: records naming it in the meantime
 *     are reported as naming an unknown id.
 */
public record SchemaCacheConfig(
        int maxSchemas,
        int maxResolutionsPerSchema,
        int maxSubjectVersions,
        Duration subjectTtl,
        Duration unknownIdTtl) {
    /** 10,000 schemas, 16 resolutions each, 1,000 subject versions for 60 s, unknown ids for 5 s. */
    public static final SchemaCacheConfig DEFAULT =
            new SchemaCacheConfig(10_000, 16, 1_000, Duration.ofSeconds(60), Duration.ofSeconds(5));

    public SchemaCacheConfig {
        positive("maxSchemas", maxSchemas);
        positive("maxResolutionsPerSchema", maxResolutionsPerSchema);
        positive("maxSubjectVersions", maxSubjectVersions);
        notNegative("subjectTtl", subjectTtl);
        notNegative("unknownIdTtl", unknownIdTtl);
    }

    public SchemaCacheConfig withUnknownIdTtl(Duration newUnknownIdTtl) {
        return new SchemaCacheConfig(
                maxSchemas, maxResolutionsPerSchema, maxSubjectVersions, subjectTtl, newUnknownIdTtl);
    }

    public SchemaCacheConfig withMaxSchemas(int newMaxSchemas) {
        return new SchemaCacheConfig(
                newMaxSchemas, maxResolutionsPerSchema, maxSubjectVersions, subjectTtl, unknownIdTtl);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(
                    "Cannot configure the schema cache: " + name + " must be at least 1, got " + value);
        }
    }

    private static void notNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(
                    "Cannot configure the schema cache: " + name + " must not be negative, got " + value);
        }
    }
}
