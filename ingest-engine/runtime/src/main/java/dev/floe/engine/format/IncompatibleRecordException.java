package dev.floe.engine.format;

/** A record whose writer schema has a value the table's column cannot hold. */
final class IncompatibleRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IncompatibleRecordException(String message) {
        super(message, null, false, false);
    }
}
