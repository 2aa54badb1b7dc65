package dev.floe.engine.state;

import dev.floe.engine.checkpoint.CheckpointStorage;
import dev.floe.engine.spi.state.KeyedStateStore;
import dev.floe.engine.spi.state.TimerService;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The keyed state and timers of one keyed subtask. Used from the subtask's thread only, except the
 * upload of a snapshot, which may run on another thread while processing goes on.
 */
public interface KeyedStateBackend extends KeyedStateStore, AutoCloseable {
    /** Makes {@code key} of {@code keyGroup} current for state access and timer registration. */
    void setCurrentKey(byte[] key, int keyGroup);

    byte[] currentKey();

    /** The current key's timers, for the operator. */
    TimerService timers();

    /** Fires, in time order, every event-time timer at or below {@code watermark}. */
    void advanceWatermark(long watermark, TimerCallback callback);

    /** Fires, in time order, every processing-time timer at or below {@code now}. */
    void advanceProcessingTime(long now, TimerCallback callback);

    /**
     * Takes a snapshot for checkpoint {@code checkpointId}: the synchronous part happens now, on
     * the calling thread, and must be short; the returned future completes when the snapshot is in
     * {@code storage}.
     */
    CompletableFuture<KeyedStateHandle> snapshot(long checkpointId, CheckpointStorage storage);

    /** Loads the key groups this backend owns from {@code handles}, which may cover others too. */
    void restore(List<KeyedStateHandle> handles, CheckpointStorage storage);

    @Override
    void close();
}
