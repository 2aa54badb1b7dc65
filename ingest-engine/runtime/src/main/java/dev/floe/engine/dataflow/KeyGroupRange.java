package dev.floe.engine.dataflow;

/**
 * Key groups {@code [start, end)}.
 *
 * @param start the first key group
 * @param end one past the last
 */
public record KeyGroupRange(int start, int end) {
    public KeyGroupRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("invalid key group range [" + start + ", " + end + ")");
        }
    }

    public boolean contains(int keyGroup) {
        return keyGroup >= start && keyGroup < end;
    }

    public boolean overlaps(KeyGroupRange other) {
        return start < other.end && other.start < end;
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
