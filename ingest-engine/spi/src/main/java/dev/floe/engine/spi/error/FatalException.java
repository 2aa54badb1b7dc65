package dev.floe.engine.spi.error;

/**
 * A failure that retrying cannot fix (bad credentials, a table that cannot take the pipeline's
 * records, a dropped and re-created table): the pipeline stops and health says why.
 */
public class FatalException extends FloeException {
    private static final long serialVersionUID = 1L;

    public FatalException(ErrorCode code, String message) {
        super(code, message);
    }

    public FatalException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
