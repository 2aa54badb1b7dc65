package dev.floe.engine.spi.state;

/**
 * Timers of the current key, kept in the state backend so they survive restarts. An event-time
 * timer fires when the watermark passes its time; a processing-time timer when the clock does.
 * Registering the same (key, time) twice keeps one timer.
 */
public interface TimerService {
    /** The operator's current event-time watermark, or {@link Long#MIN_VALUE} before the first. */
    long currentWatermark();

    /** The current processing time, epoch milliseconds, from the engine's clock. */
    long currentProcessingTime();

    void registerEventTimeTimer(long time);

    void deleteEventTimeTimer(long time);

    void registerProcessingTimeTimer(long time);

    void deleteProcessingTimeTimer(long time);
}
