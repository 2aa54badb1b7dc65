package dev.floe.engine.spi.error;

/**
 * A stable identifier for a kind of failure, with its category. Each module declares its codes as
 * an enum implementing this interface.
 */
public interface ErrorCode {
    /** A stable, upper-case name such as {@code COMMIT_FAILED}; it appears in metrics and logs. */
    String name();

    ErrorCategory category();
}
