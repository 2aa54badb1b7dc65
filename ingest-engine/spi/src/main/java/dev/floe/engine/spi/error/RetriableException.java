package dev.floe.engine.spi.error;

/** A transient failure (a server unavailable, a commit conflict): retry with backoff, drop nothing. */
public class RetriableException extends FloeException {
    private static final long serialVersionUID = 1L;

    public RetriableException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
