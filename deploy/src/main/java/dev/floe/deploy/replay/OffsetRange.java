package dev.floe.deploy.replay;

/**
 * The offsets {@code [from, to)} of one source partition.
 *
 * @param from the first offset
 * @param to the offset after the last
 */
public record OffsetRange(long from, long to) {
    public OffsetRange {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("invalid offset range [" + from + ", " + to + ")");
        }
    }

    public long size() {
        return to - from;
    }

    public boolean isEmpty() {
        return to == from;
    }

    @Override
    public String toString() {
        return "[" + from + ", " + to + ")";
    }
}
