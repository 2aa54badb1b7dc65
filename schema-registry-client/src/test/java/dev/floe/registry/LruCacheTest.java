package dev.floe.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Both bounded caches evict the least recently used entry, and only beyond their bound. */
class LruCacheTest {
    @Test
    void evictsTheLeastRecentlyUsedKey() {
        LruCache<String, Integer> cache = new LruCache<>(2);
        cache.put("a", 1);
        cache.put("b", 2);
        cache.get("a");
        cache.put("c", 3);

        assertThat(cache.get("b")).isNull();
        assertThat(cache.get("a")).isEqualTo(1);
        assertThat(cache.get("c")).isEqualTo(3);
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void replacingAKeyKeepsTheSize() {
        LruCache<String, Integer> cache = new LruCache<>(2);
        cache.put("a", 1);
        cache.put("a", 2);
        cache.put("b", 3);

        assertThat(cache.get("a")).isEqualTo(2);
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void removesAKeyOnlyWhileItHoldsTheGivenValue() {
        LruCache<String, String> cache = new LruCache<>(2);
        String first = new String("v");
        cache.put("a", first);
        cache.put("a", "w");

        cache.remove("a", first);
        assertThat(cache.get("a")).isEqualTo("w");
        cache.remove("a", "w");
        assertThat(cache.get("a")).isNull();
    }

    @Test
    void schemaIdsEvictTheLeastRecentlyUsedId() {
        SchemaIdCache<String> cache = new SchemaIdCache<>(2);
        cache.put(1, "one");
        cache.put(2, "two");
        cache.get(1);
        cache.put(3, "three");

        assertThat(cache.get(2)).isNull();
        assertThat(cache.get(1)).isEqualTo("one");
        assertThat(cache.get(3)).isEqualTo("three");
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void schemaIdsGrowToTheirBoundAndKeepTheMostRecent() {
        SchemaIdCache<Integer> cache = new SchemaIdCache<>(100);
        for (int id = 0; id < 1_000; id++) {
            cache.put(id, id);
        }

        assertThat(cache.size()).isEqualTo(100);
        for (int id = 900; id < 1_000; id++) {
            assertThat(cache.get(id)).isEqualTo(id);
        }
        assertThat(cache.get(899)).isNull();
        assertThat(cache.get(-5)).isNull();
    }

    @Test
    void schemaIdsReplaceAValue() {
        SchemaIdCache<String> cache = new SchemaIdCache<>(2);
        cache.put(Integer.MIN_VALUE, "a");
        cache.put(Integer.MIN_VALUE, "b");

        assertThat(cache.get(Integer.MIN_VALUE)).isEqualTo("b");
        assertThat(cache.size()).isEqualTo(1);
    }
}
