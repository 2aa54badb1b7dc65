package dev.floe.engine.spi.state;

/**
 * The keyed state of an operator. Every state read or written belongs to the key of the record
 * being processed (or of the timer firing): the runtime sets the key before calling the operator.
 * States are declared in {@code open} and kept; they are cheap views.
 */
public interface KeyedStateStore {
    <T> ValueState<T> valueState(StateDescriptor<T> descriptor);

    <K, V> MapState<K, V> mapState(StateDescriptor<V> descriptor, StateSerializer<K> keySerializer);

    <T> ListState<T> listState(StateDescriptor<T> descriptor);

    <T> ReducingState<T> reducingState(StateDescriptor<T> descriptor, ReducingState.Reducer<T> reducer);

    <I, A, O> AggregatingState<I, O> aggregatingState(
            StateDescriptor<A> accumulator, AggregatingState.Aggregator<I, A, O> aggregator);
}
