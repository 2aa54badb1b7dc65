package dev.floe.iceberg;

import dev.floe.engine.spi.error.ErrorCategory;
import dev.floe.engine.spi.error.ErrorCode;

/** The Iceberg sink's error codes. */
public enum IcebergErrorCode implements ErrorCode {
    /** The catalog could not be loaded or did not answer. */
    CATALOG_UNAVAILABLE(ErrorCategory.EXTERNAL),
    /** The table does not exist and may not be created. */
    TABLE_NOT_FOUND(ErrorCategory.USER),
    /** The table cannot be created as configured (a bad partition spec, say). */
    TABLE_CREATION_FAILED(ErrorCategory.USER),
    /** The table was dropped and re-created since Floe last committed to it. */
    TABLE_REPLACED(ErrorCategory.USER),
    /** Data files or manifests could not be written to the object store. */
    WRITE_FAILED(ErrorCategory.EXTERNAL),
    /** A record holds a value the table's column cannot take. */
    VALUE_REJECTED(ErrorCategory.USER),
    /** A commit failed and may be retried. */
    COMMIT_FAILED(ErrorCategory.EXTERNAL),
    /** A commit's outcome is unknown until the table's history is read. */
    COMMIT_STATE_UNKNOWN(ErrorCategory.EXTERNAL),
    /** The table refused the commit for good (a validation failure). */
    COMMIT_REJECTED(ErrorCategory.INTERNAL),
    /** A checkpoint id the table holds comes with rows the table does not: ids were reused. */
    CHECKPOINT_ID_REUSED(ErrorCategory.INTERNAL),
    /** A row names no table: a route column is null or missing. */
    ROUTE_FAILED(ErrorCategory.USER),
    /** The records cannot fit an existing table's schema. */
    SCHEMA_MISMATCH(ErrorCategory.USER),
    /** A writer schema changes a column in a way the table cannot evolve to (string to int, say). */
    SCHEMA_INCOMPATIBLE(ErrorCategory.USER),
    /** The table's schema could not be evolved in the catalog. */
    SCHEMA_UPDATE_FAILED(ErrorCategory.EXTERNAL),
    /** Another instance of the same pipeline took the table over. */
    FENCED(ErrorCategory.USER),
    /** Another pipeline already ingests the same topics into the table. */
    FOREIGN_PIPELINE(ErrorCategory.USER),
    /** An upsert table's identifier fields are missing, nullable or do not cover its partition columns. */
    UPSERT_KEY_INVALID(ErrorCategory.USER),
    /** A subtask's distinct upsert keys of one checkpoint outgrew sortBufferRows. */
    UPSERT_BUFFER_FULL(ErrorCategory.USER),
    /** A delete (a change event's, a tombstone's) whose row lacks a key column or holds null in one. */
    DELETE_KEY_INVALID(ErrorCategory.USER),
    /** Stored pending commits that cannot be read back. */
    PENDING_STATE_CORRUPT(ErrorCategory.INTERNAL);

    private final ErrorCategory category;

    IcebergErrorCode(ErrorCategory category) {
        this.category = category;
    }

    @Override
    public ErrorCategory category() {
        return category;
    }
}
