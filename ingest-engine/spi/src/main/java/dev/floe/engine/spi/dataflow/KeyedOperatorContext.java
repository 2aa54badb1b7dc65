package dev.floe.engine.spi.dataflow;

import dev.floe.engine.spi.state.KeyedStateStore;
import dev.floe.engine.spi.state.TimerService;

/** What a keyed operator gets: its keyed state and timers, scoped to the current key. */
public interface KeyedOperatorContext extends OperatorContext {
    KeyedStateStore state();

    TimerService timers();

    /** The key of the record being processed or the timer firing, as the key selector made it. */
    byte[] currentKey();
}
