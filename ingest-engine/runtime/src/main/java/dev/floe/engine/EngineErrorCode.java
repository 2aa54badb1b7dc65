package dev.floe.engine;

import dev.floe.engine.spi.error.ErrorCategory;
import dev.floe.engine.spi.error.ErrorCode;

/** The engine's error codes; each appears in logs, dead-letter headers and metrics. */
public enum EngineErrorCode implements ErrorCode {
    /** A record value that is not in the registry's wire format. */
    NOT_WIRE_FORMAT(ErrorCategory.USER),
    /** A record framed with a schema id the registry does not know. */
    UNKNOWN_SCHEMA(ErrorCategory.USER),
    /** A writer schema Floe cannot read (not Avro, or with no table equivalent). */
    UNSUPPORTED_SCHEMA(ErrorCategory.USER),
    /** Avro bytes that do not decode with their writer schema. */
    CORRUPT_RECORD(ErrorCategory.USER),
    /** A record with a value the table cannot take. */
    INCOMPATIBLE_RECORD(ErrorCategory.USER),
    /** A record with no value (a tombstone) in a pipeline that appends. */
    NULL_VALUE(ErrorCategory.USER),
    /** A tombstone whose key cannot say which row to delete (no key, not a framed Avro record). */
    TOMBSTONE_KEY_INVALID(ErrorCategory.USER),
    /** A Debezium change event with an unknown op, or without the half (before, after) its op needs. */
    CHANGE_EVENT_INVALID(ErrorCategory.USER),
    /** The schema registry did not answer. */
    REGISTRY_UNAVAILABLE(ErrorCategory.EXTERNAL),
    /** The schema registry refused the configured credentials. */
    REGISTRY_AUTHENTICATION(ErrorCategory.USER),
    /** Kafka did not answer, or refused an operation. */
    KAFKA_FAILED(ErrorCategory.EXTERNAL),
    /** Checkpoint storage could not be read or written. */
    CHECKPOINT_STORAGE_FAILED(ErrorCategory.EXTERNAL),
    /** A stored checkpoint that cannot be read back. */
    CHECKPOINT_CORRUPT(ErrorCategory.INTERNAL),
    /** The keyed state backend's local store failed (an I/O error, a full disk). */
    STATE_BACKEND_FAILED(ErrorCategory.EXTERNAL),
    /** A checkpoint that did not complete in time. */
    CHECKPOINT_TIMEOUT(ErrorCategory.EXTERNAL),
    /** Dead letters could not be delivered. */
    DEAD_LETTER_FAILED(ErrorCategory.EXTERNAL),
    /** A record that cannot be ingested, in a pipeline configured to fail on one. */
    RECORD_REJECTED(ErrorCategory.USER),
    /** A subtask failed with an unexpected error. */
    TASK_FAILED(ErrorCategory.INTERNAL),
    /** A path given as a savepoint holds none, or a damaged one. */
    SAVEPOINT_INVALID(ErrorCategory.USER),
    /** A savepoint of another pipeline, or of one whose keyed stage differs. */
    SAVEPOINT_MISMATCH(ErrorCategory.USER),
    /** The table already holds more than a savepoint of a pipeline with keyed state: restoring it would count twice. */
    SAVEPOINT_BEHIND_TABLE(ErrorCategory.USER),
    /** A savepoint could not be taken (its checkpoint failed, or its files could not be written). */
    SAVEPOINT_FAILED(ErrorCategory.EXTERNAL);

    private final ErrorCategory category;

    EngineErrorCode(ErrorCategory category) {
        this.category = category;
    }

    @Override
    public ErrorCategory category() {
        return category;
    }
}
