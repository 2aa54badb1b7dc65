package dev.floe.engine.transform;

import dev.floe.engine.spi.error.ErrorCategory;
import dev.floe.engine.spi.error.ErrorCode;

/** Errors of the stateless transforms. */
public enum TransformErrorCode implements ErrorCode {
    /** An expression failed on a record (division by zero, a missing key, overflow, ...). */
    EXPRESSION_FAILED,
    /** A value that does not convert to the type a cast asks for. */
    CAST_FAILED,
    /** Records of a schema the mapping does not fit (a field it names is missing, a type changed). */
    SCHEMA_MISMATCH;

    @Override
    public ErrorCategory category() {
        return ErrorCategory.USER;
    }
}
