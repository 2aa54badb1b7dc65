package dev.floe.engine.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the RocksDB backend stores values: a value or map entry is {@code written at (8 bytes), the
 * serialized value}; a list is its elements one after the other, each {@code written at, length
 * (varint), serialized element}, so that adding one is a RocksDB merge that appends it without
 * reading the list. A list was last written when its newest element was.
 */
final class RocksDbValues {
    private RocksDbValues() {}

    static byte[] value(long writtenAt, byte[] serialized) {
        byte[] stored = new byte[8 + serialized.length];
        RocksDbKeys.writeLong(stored, 0, writtenAt);
        System.arraycopy(serialized, 0, stored, 8, serialized.length);
        return stored;
    }

    static byte[] serialized(byte[] stored) {
        return Arrays.copyOfRange(stored, 8, stored.length);
    }

    static byte[] listElement(long writtenAt, byte[] serialized) {
        byte[] element = new byte[8 + RocksDbKeys.varintLength(serialized.length) + serialized.length];
        RocksDbKeys.writeLong(element, 0, writtenAt);
        int position = RocksDbKeys.writeVarint(element, 8, serialized.length);
        System.arraycopy(serialized, 0, element, position, serialized.length);
        return element;
    }

    static byte[] list(long writtenAt, List<byte[]> serialized) {
        int size = 0;
        for (byte[] element : serialized) {
            size += 8 + RocksDbKeys.varintLength(element.length) + element.length;
        }
        byte[] stored = new byte[size];
        int position = 0;
        for (byte[] element : serialized) {
            RocksDbKeys.writeLong(stored, position, writtenAt);
            position = RocksDbKeys.writeVarint(stored, position + 8, element.length);
            System.arraycopy(element, 0, stored, position, element.length);
            position += element.length;
        }
        return stored;
    }

    /** The serialized elements of a stored list, in the order they were added. */
    static List<byte[]> listElements(byte[] stored) {
        List<byte[]> elements = new ArrayList<>();
        int[] position = {0};
        while (position[0] < stored.length) {
            position[0] += 8;
            int length = readVarint(stored, position);
            elements.add(Arrays.copyOfRange(stored, position[0], position[0] + length));
            position[0] += length;
        }
        return elements;
    }

    /** When a stored value of {@code kind} was last written. */
    static long writtenAt(StateMeta.Kind kind, byte[] stored) {
        if (kind != StateMeta.Kind.LIST) {
            return RocksDbKeys.readLong(stored, 0);
        }
        long newest = Long.MIN_VALUE;
        int[] position = {0};
        while (position[0] < stored.length) {
            newest = Math.max(newest, RocksDbKeys.readLong(stored, position[0]));
            position[0] += 8;
            int length = readVarint(stored, position);
            position[0] += length;
        }
        return newest;
    }

    /** Reads the varint at {@code position[0]} and moves it past. */
    private static int readVarint(byte[] stored, int[] position) {
        int value = 0;
        int shift = 0;
        byte b;
        do {
            b = stored[position[0]++];
            value |= (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return value;
    }

    static boolean expired(StateMeta meta, byte[] stored, long now) {
        return meta.ttlMillis() > 0 && now - writtenAt(meta.kind(), stored) >= meta.ttlMillis();
    }
}
