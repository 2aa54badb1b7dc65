package dev.floe.engine.state;

import dev.floe.engine.checkpoint.CheckpointStorage;
import dev.floe.engine.spi.state.AggregatingState;
import dev.floe.engine.spi.state.KeyedStateStore;
import dev.floe.engine.spi.state.ReducingState;
import dev.floe.engine.spi.state.StateDescriptor;
import dev.floe.engine.spi.state.TimerService;
import dev.floe.engine.spi.state.ValueState;
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

    /** A reducing state is a value state that each added value is reduced into, on every backend. */
    @Override
    default <T> ReducingState<T> reducingState(StateDescriptor<T> descriptor, ReducingState.Reducer<T> reducer) {
        ValueState<T> value = valueState(descriptor);
        return new ReducingState<>() {
            @Override
            public T get() {
                return value.value();
            }

            @Override
            public void add(T added) {
                T current = value.value();
                value.update(current == null ? added : reducer.apply(current, added));
            }

            @Override
            public void clear() {
                value.clear();
            }
        };
    }

    /** An aggregating state is a value state holding the accumulator, on every backend. */
    @Override
    default <I, A, O> AggregatingState<I, O> aggregatingState(
            StateDescriptor<A> accumulator, AggregatingState.Aggregator<I, A, O> aggregator) {
        ValueState<A> value = valueState(accumulator);
        return new AggregatingState<>() {
            @Override
            public O get() {
                A current = value.value();
                return current == null ? null : aggregator.result(current);
            }

            @Override
            public void add(I added) {
                A current = value.value();
                value.update(aggregator.add(added, current == null ? aggregator.createAccumulator() : current));
            }

            @Override
            public void clear() {
                value.clear();
            }
        };
    }

    @Override
    void close();
}
