package dev.floe.engine.spi.error;

import java.util.Objects;

/**
 * The base of Floe's errors. Subclasses say what the caller must do; the code says what happened.
 * Messages read {@code Cannot <action> <object>: <reason>} and name what they are about (table,
 * checkpoint, topic-partition and offset, file).
 */
public class FloeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public FloeException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public FloeException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }
}
