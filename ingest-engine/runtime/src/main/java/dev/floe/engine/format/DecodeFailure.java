package dev.floe.engine.format;

/** Why one record could not be decoded. Cheap to throw: bad records can come in storms. */
public final class DecodeFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What was wrong with the record. */
    public enum Kind {
        /** The bytes do not decode with the writer schema they name. */
        CORRUPT,
        /** The record decodes, but a value cannot become the table column's type. */
        INCOMPATIBLE,
        /** A change event whose operation is unknown or lacks the row it needs. */
        INVALID_CHANGE
    }

    private final Kind kind;

    public DecodeFailure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
