package dev.floe.deploy.registry;

/**
 * The error codes of the Confluent schema registry API that this registry answers with, and their
 * HTTP statuses. Clients switch on the code, so codes must keep their Confluent meaning.
 */
public enum RegistryError {
    SUBJECT_NOT_FOUND(40401, 404),
    VERSION_NOT_FOUND(40402, 404),
    SCHEMA_NOT_FOUND(40403, 404),
    /** A soft delete of a subject that has only soft-deleted versions left. */
    SUBJECT_SOFT_DELETED(40404, 404),
    /** A permanent delete of a subject that still has live versions. */
    SUBJECT_NOT_SOFT_DELETED(40405, 404),
    /** A soft delete of a version that is already soft-deleted. */
    VERSION_SOFT_DELETED(40406, 404),
    /** A permanent delete of a version that is still live. */
    VERSION_NOT_SOFT_DELETED(40407, 404),
    SUBJECT_COMPATIBILITY_NOT_CONFIGURED(40408, 404),
    SUBJECT_MODE_NOT_CONFIGURED(40409, 404),
    /** The schema breaks the subject's compatibility level (Confluent's classic code; newer ones say 40901). */
    INCOMPATIBLE_SCHEMA(409, 409),
    INVALID_SCHEMA(42201, 422),
    INVALID_VERSION(42202, 422),
    INVALID_COMPATIBILITY_LEVEL(42203, 422),
    INVALID_MODE(42204, 422),
    /** The subject's mode forbids the operation (read-only, or import without an id). */
    OPERATION_NOT_PERMITTED(42205, 422),
    /** Other schemas reference the version being deleted. */
    REFERENCE_EXISTS(42206, 422),
    /** An imported id that is already bound to another schema. */
    ID_DOES_NOT_MATCH(42207, 422),
    BAD_REQUEST(400, 400),
    /** Authentication is required and missing or wrong. */
    UNAUTHORIZED(401, 401),
    NOT_FOUND(404, 404),
    STORE_ERROR(50001, 500),
    STORE_TIMEOUT(50002, 500);

    private final int code;
    private final int httpStatus;

    RegistryError(int code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    /** The {@code error_code} of the JSON error body. */
    public int code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
