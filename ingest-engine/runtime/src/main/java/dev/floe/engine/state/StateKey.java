package dev.floe.engine.state;

import java.util.Arrays;

/** A key of a state table: the key group, the record key, and for map states the map key. */
final class StateKey implements Comparable<StateKey> {
    final int keyGroup;
    final byte[] key;
    final byte[] userKey;
    private final int hash;

    StateKey(int keyGroup, byte[] key, byte[] userKey) {
        this.keyGroup = keyGroup;
        this.key = key;
        this.userKey = userKey;
        this.hash = 31 * Arrays.hashCode(key) + (userKey == null ? 0 : Arrays.hashCode(userKey));
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof StateKey)) {
            return false;
        }
        StateKey that = (StateKey) other;
        return hash == that.hash
                && keyGroup == that.keyGroup
                && Arrays.equals(key, that.key)
                && Arrays.equals(userKey, that.userKey);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(StateKey other) {
        int byGroup = Integer.compare(keyGroup, other.keyGroup);
        if (byGroup != 0) {
            return byGroup;
        }
        int byKey = Arrays.compareUnsigned(key, other.key);
        if (byKey != 0) {
            return byKey;
        }
        if (userKey == null || other.userKey == null) {
            return userKey == null ? (other.userKey == null ? 0 : -1) : 1;
        }
        return Arrays.compareUnsigned(userKey, other.userKey);
    }
}
