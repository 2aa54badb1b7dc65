package dev.floe.engine.state;

/**
 * The native memory a pipeline's keyed state uses, for metrics.
 *
 * @param limit the configured bound ({@code state.memory}); 0 for the heap backend, which uses the
 *     Java heap
 * @param used what is in use now: the block cache, which the write buffers are charged to, and
 *     what table readers hold outside it
 * @param writeBuffers of which the write buffers (memtables)
 * @param pinned of which blocks pinned by open iterators and the level-0 index and filters
 */
public record StateMemory(long limit, long used, long writeBuffers, long pinned) {
    /** The heap backend's: no native memory. */
    public static final StateMemory NONE = new StateMemory(0, 0, 0, 0);
}
