package dev.floe.engine.spi.error;

/**
 * A commit whose outcome is unknown (timeout, lost response). The caller must not clean anything up
 * and must not blindly retry: the outcome is resolved by reading what the destination holds.
 */
public class CommitOutcomeUnknownException extends FloeException {
    private static final long serialVersionUID = 1L;

    public CommitOutcomeUnknownException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
