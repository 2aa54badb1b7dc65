package dev.floe.engine.state;

/** Called for a timer that fires, with the timer's key already current in the backend. */
@FunctionalInterface
public interface TimerCallback {
    void onTimer(long time);
}
