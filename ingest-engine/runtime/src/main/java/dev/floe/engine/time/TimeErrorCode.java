package dev.floe.engine.time;

import dev.floe.engine.spi.error.ErrorCategory;
import dev.floe.engine.spi.error.ErrorCode;

/** Errors of event time. */
public enum TimeErrorCode implements ErrorCode {
    /** A record whose event-time field is null or does not parse. */
    NO_EVENT_TIME;

    @Override
    public ErrorCategory category() {
        return ErrorCategory.USER;
    }
}
