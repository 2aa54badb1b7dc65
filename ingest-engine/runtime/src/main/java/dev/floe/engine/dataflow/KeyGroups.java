package dev.floe.engine.dataflow;

/**
 * Keys are hashed into {@code maxParallelism} key groups, and key groups are dealt to subtasks in
 * contiguous ranges. State is kept and restored per key group, so a pipeline rescales by moving
 * whole key groups between subtasks, never splitting one.
 */
public final class KeyGroups {
    /** The default number of key groups: the most subtasks a keyed stage can ever have. */
    public static final int DEFAULT_MAX_PARALLELISM = 128;

    private KeyGroups() {}

    /** The key group of {@code key}: murmur3's finalizer over the key's hash, then modulo. */
    public static int keyGroup(byte[] key, int maxParallelism) {
        int hash = 1;
        for (byte b : key) {
            hash = 31 * hash + b;
        }
        hash ^= hash >>> 16;
        hash *= 0x85ebca6b;
        hash ^= hash >>> 13;
        hash *= 0xc2b2ae35;
        hash ^= hash >>> 16;
        return (hash & 0x7fffffff) % maxParallelism;
    }

    /** The subtask that owns {@code keyGroup} at {@code parallelism}. */
    public static int subtask(int keyGroup, int maxParallelism, int parallelism) {
        return keyGroup * parallelism / maxParallelism;
    }

    /** The first key group of {@code subtask}: the range is [first, first of the next subtask). */
    public static int firstKeyGroup(int subtask, int maxParallelism, int parallelism) {
        return (subtask * maxParallelism + parallelism - 1) / parallelism;
    }

    /** The key groups of {@code subtask}. */
    public static KeyGroupRange range(int subtask, int maxParallelism, int parallelism) {
        return new KeyGroupRange(
                firstKeyGroup(subtask, maxParallelism, parallelism),
                firstKeyGroup(subtask + 1, maxParallelism, parallelism));
    }
}
