package dev.floe.engine.spi.error;

/**
 * One record cannot be processed (bad bytes, unknown schema, a value the table cannot take): it goes
 * to the pipeline's dead-letter destination, or stops the pipeline when configured to.
 */
public class BadRecordException extends FloeException {
    private static final long serialVersionUID = 1L;

    public BadRecordException(ErrorCode code, String message) {
        super(code, message);
    }

    public BadRecordException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
