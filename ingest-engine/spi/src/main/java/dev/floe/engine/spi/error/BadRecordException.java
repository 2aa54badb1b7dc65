package dev.floe.engine.spi.error;

/**
 * One record cannot be processed (bad bytes, unknown schema, a value the table cannot take, an
 * expression that fails on it, a record too late for its window): it goes to the pipeline's
 * dead-letter destination, or stops the pipeline when configured to. The stage, when known, says
 * where it failed ({@code transform}, {@code window}, ...) and goes into the dead letter.
 */
public class BadRecordException extends FloeException {
    private static final long serialVersionUID = 1L;

    private final String stage;

    public BadRecordException(ErrorCode code, String message) {
        this(code, null, message, null);
    }

    public BadRecordException(ErrorCode code, String message, Throwable cause) {
        this(code, null, message, cause);
    }

    public BadRecordException(ErrorCode code, String stage, String message) {
        this(code, stage, message, null);
    }

    public BadRecordException(ErrorCode code, String stage, String message, Throwable cause) {
        super(code, message, cause);
        this.stage = stage;
    }

    /** Where the record failed, or null when the thrower does not say. */
    public String stage() {
        return stage;
    }
}
