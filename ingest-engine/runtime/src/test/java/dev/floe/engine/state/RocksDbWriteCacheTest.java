package dev.floe.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RocksDbWriteCacheTest {
    private static final RocksDbState WINDOWS =
            new RocksDbState("windows", null, new StateMeta(StateMeta.Kind.MAP, 1, 0));
    private static final RocksDbState COUNTS =
            new RocksDbState("counts", null, new StateMeta(StateMeta.Kind.VALUE, 1, 0));

    /** What reached the store, in order: "put state key value" or "delete state key". */
    private final List<String> written = new ArrayList<>();

    private final RocksDbWriteCache.Store store = new RocksDbWriteCache.Store() {
        @Override
        public void put(RocksDbState state, byte[] key, byte[] stored) {
            written.add("put " + state.name() + " " + text(key) + " " + text(value(stored)));
        }

        @Override
        public void delete(RocksDbState state, byte[] key) {
            written.add("delete " + state.name() + " " + text(key));
        }
    };

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] value(byte[] stored) {
        return java.util.Arrays.copyOfRange(stored, 8, stored.length);
    }

    @Test
    void aKeyWrittenManyTimesReachesTheStoreOnceWithItsLastValueWhenFlushed() {
        RocksDbWriteCache cache = new RocksDbWriteCache(1 << 20, store);

        for (int i = 0; i < 100; i++) {
            cache.write(WINDOWS, bytes("alice|0"), 7, 1_000 + i, bytes("count=" + i));
        }

        assertThat(written).isEmpty();
        RocksDbWriteCache.Entry entry = cache.get(WINDOWS, bytes("alice|0"), 7);
        assertThat(text(value(entry.stored))).isEqualTo("count=99");
        assertThat(RocksDbKeys.readLong(entry.stored, 0)).isEqualTo(1_099);

        cache.flush();
        cache.flush();

        assertThat(written).containsExactly("put windows alice|0 count=99");
    }

    @Test
    void aLookupComparesOnlyTheGivenLengthOfTheCallersBufferAndTheState() {
        RocksDbWriteCache cache = new RocksDbWriteCache(1 << 20, store);
        cache.write(WINDOWS, bytes("alice"), 5, 1, bytes("w"));

        assertThat(cache.get(WINDOWS, bytes("alice and what follows in the buffer"), 5))
                .isNotNull();
        assertThat(cache.get(COUNTS, bytes("alice"), 5)).isNull();
        assertThat(cache.get(WINDOWS, bytes("alic"), 4)).isNull();
    }

    @Test
    void aDeleteIsCachedAsAbsentAndReachesTheStoreWhenFlushed() {
        RocksDbWriteCache cache = new RocksDbWriteCache(1 << 20, store);
        cache.loaded(COUNTS, bytes("bob"), 3, bytes("12345678x"));

        cache.delete(COUNTS, bytes("bob"), 3);

        RocksDbWriteCache.Entry entry = cache.get(COUNTS, bytes("bob"), 3);
        assertThat(entry).isNotNull();
        assertThat(entry.stored).isNull();
        cache.flush();
        assertThat(written).containsExactly("delete counts bob");
    }

    @Test
    void whatWasLoadedFromTheStoreIsNotWrittenBack() {
        RocksDbWriteCache cache = new RocksDbWriteCache(1 << 20, store);
        cache.loaded(COUNTS, bytes("bob"), 3, bytes("12345678x"));
        cache.loaded(COUNTS, bytes("carol"), 5, null);

        cache.flush();

        assertThat(written).isEmpty();
        assertThat(cache.get(COUNTS, bytes("carol"), 5).stored).isNull();
    }

    @Test
    void staysWithinItsBoundByWritingTheLeastRecentlyUsedChangedEntriesFirst() {
        long oneEntry = RocksDbWriteCache.ENTRY_OVERHEAD + 2 + 8 + 2;
        RocksDbWriteCache cache = new RocksDbWriteCache(3 * oneEntry, store);
        cache.write(COUNTS, bytes("k1"), 2, 0, bytes("v1"));
        cache.write(COUNTS, bytes("k2"), 2, 0, bytes("v2"));
        cache.write(COUNTS, bytes("k3"), 2, 0, bytes("v3"));
        cache.get(COUNTS, bytes("k1"), 2);

        cache.write(COUNTS, bytes("k4"), 2, 0, bytes("v4"));

        assertThat(written).containsExactly("put counts k2 v2");
        assertThat(cache.bytes()).isLessThanOrEqualTo(3 * oneEntry);
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.get(COUNTS, bytes("k2"), 2)).isNull();

        cache.flush();
        assertThat(written)
                .containsExactlyInAnyOrder(
                        "put counts k2 v2", "put counts k1 v1", "put counts k3 v3", "put counts k4 v4");
    }

    @Test
    void anEntryEvictedAndWrittenAgainIsFlushedOnceWithItsNewValue() {
        long oneEntry = RocksDbWriteCache.ENTRY_OVERHEAD + 2 + 8 + 2;
        RocksDbWriteCache cache = new RocksDbWriteCache(oneEntry, store);
        cache.write(COUNTS, bytes("k1"), 2, 0, bytes("v1"));
        cache.write(COUNTS, bytes("k2"), 2, 0, bytes("v2"));
        cache.write(COUNTS, bytes("k1"), 2, 0, bytes("w1"));

        cache.flush();

        assertThat(written).containsExactly("put counts k1 v1", "put counts k2 v2", "put counts k1 w1");
    }

    @Test
    void manyEvictionsBetweenFlushesNeitherLoseNorRepeatAWrite() {
        RocksDbWriteCache cache = new RocksDbWriteCache(10 * (RocksDbWriteCache.ENTRY_OVERHEAD + 20), store);
        for (int i = 0; i < 10_000; i++) {
            cache.write(COUNTS, bytes("key" + i), ("key" + i).length(), 0, bytes("v" + i));
        }

        cache.flush();

        assertThat(written).hasSize(10_000).doesNotHaveDuplicates();
        assertThat(written.get(9_999)).isEqualTo("put counts key9999 v9999");
    }

    @Test
    void aCacheOfNoBytesIsOff() {
        assertThat(new RocksDbWriteCache(0, store).enabled()).isFalse();
    }
}
