package dev.floe.engine.spi.row;

/**
 * What a row asks of its destination. Decoders set it from the record (a change event's operation,
 * a tombstone); operators that build a row from another carry it over.
 */
public enum RowKind {
    /** The row is written: appended, or, in an upsert table, replaces its key's row. */
    WRITE,
    /**
     * The row stands for a key to delete: only the columns of the destination's key count, and the
     * row may hold nothing else (a tombstone's key). Only sinks that apply deletes get such rows.
     */
    DELETE
}
