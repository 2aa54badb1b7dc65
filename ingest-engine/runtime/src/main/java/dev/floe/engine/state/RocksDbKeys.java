package dev.floe.engine.state;

import java.util.Arrays;

/**
 * How the RocksDB backend lays out its keys. A state's key is the key group (two bytes, big-endian)
 * then the record key's length (a varint) and bytes, then for map states the map key's bytes: the
 * key groups of a range are one range of keys, and a record key's map entries are one range too,
 * ordered by their bytes. Timer keys start with the domain and the time instead, so that the next
 * timer due is the first key: {@code domain, time (big-endian, sign bit flipped), key group, key}.
 */
final class RocksDbKeys {
    /** Key groups fit in 15 bits, so {@link #keyGroupBound()} is past every key. */
    static final int MAX_KEY_GROUPS = 1 << 15;

    static final byte EVENT_TIME = 0;
    static final byte PROCESSING_TIME = 1;

    private RocksDbKeys() {}

    /** The first key of {@code keyGroup}; with {@code MAX_KEY_GROUPS}, the bound past every key. */
    static byte[] keyGroupStart(int keyGroup) {
        return new byte[] {(byte) (keyGroup >>> 8), (byte) keyGroup};
    }

    static byte[] keyGroupBound() {
        return keyGroupStart(MAX_KEY_GROUPS);
    }

    static int keyGroupOf(byte[] stateKey) {
        return ((stateKey[0] & 0xff) << 8) | (stateKey[1] & 0xff);
    }

    /** The length of the prefix {@link #writePrefix} writes. */
    static int prefixLength(byte[] key) {
        return 2 + varintLength(key.length) + key.length;
    }

    /** Writes the key group and record key at the start of {@code target}; returns the length. */
    static int writePrefix(byte[] target, int keyGroup, byte[] key) {
        target[0] = (byte) (keyGroup >>> 8);
        target[1] = (byte) keyGroup;
        int position = writeVarint(target, 2, key.length);
        System.arraycopy(key, 0, target, position, key.length);
        return position + key.length;
    }

    /** The map key of a map state's key whose prefix is {@code prefixLength} long. */
    static byte[] mapKey(byte[] stateKey, int prefixLength) {
        return Arrays.copyOfRange(stateKey, prefixLength, stateKey.length);
    }

    static boolean hasPrefix(byte[] stateKey, byte[] prefix, int prefixLength) {
        return stateKey.length >= prefixLength && Arrays.equals(stateKey, 0, prefixLength, prefix, 0, prefixLength);
    }

    static byte[] timerKey(byte domain, long time, int keyGroup, byte[] key) {
        byte[] timer = new byte[1 + 8 + 2 + key.length];
        timer[0] = domain;
        writeLong(timer, 1, time ^ Long.MIN_VALUE);
        timer[9] = (byte) (keyGroup >>> 8);
        timer[10] = (byte) keyGroup;
        System.arraycopy(key, 0, timer, 11, key.length);
        return timer;
    }

    /** The first possible timer key of {@code domain} at {@code time}. */
    static byte[] timerSeek(byte domain, long time) {
        byte[] seek = new byte[9];
        seek[0] = domain;
        writeLong(seek, 1, time ^ Long.MIN_VALUE);
        return seek;
    }

    static long timerTime(byte[] timer) {
        return readLong(timer, 1) ^ Long.MIN_VALUE;
    }

    static int timerKeyGroup(byte[] timer) {
        return ((timer[9] & 0xff) << 8) | (timer[10] & 0xff);
    }

    static byte[] timerRecordKey(byte[] timer) {
        return Arrays.copyOfRange(timer, 11, timer.length);
    }

    /** The key right after {@code key}: the smallest one greater than it. */
    static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    static int varintLength(int value) {
        int length = 1;
        while ((value >>>= 7) != 0) {
            length++;
        }
        return length;
    }

    static int writeVarint(byte[] target, int position, int value) {
        while ((value & ~0x7f) != 0) {
            target[position++] = (byte) ((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        target[position++] = (byte) value;
        return position;
    }

    static void writeLong(byte[] target, int position, long value) {
        for (int i = 7; i >= 0; i--) {
            target[position + i] = (byte) value;
            value >>>= 8;
        }
    }

    static long readLong(byte[] source, int position) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (source[position + i] & 0xff);
        }
        return value;
    }
}
