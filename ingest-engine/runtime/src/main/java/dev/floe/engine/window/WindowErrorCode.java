package dev.floe.engine.window;

import dev.floe.engine.spi.error.ErrorCategory;
import dev.floe.engine.spi.error.ErrorCode;

/** Errors of event-time windows. */
public enum WindowErrorCode implements ErrorCode {
    /** A record later than every window it belongs to plus the allowed lateness: the late-data output. */
    LATE_RECORD,
    /** A record whose value overflows an aggregate (a sum beyond 64 bits). */
    AGGREGATE_OVERFLOW;

    @Override
    public ErrorCategory category() {
        return ErrorCategory.USER;
    }
}
