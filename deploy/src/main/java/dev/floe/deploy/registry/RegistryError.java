package dev.floe.deploy.registry;

/**
 * The error codes of the Confluent schema registry API that this registry answers with, and their
 * HTTP statuses. Clients switch on the code, so codes must keep their Confluent meaning.
 */
public enum RegistryError {
    SUBJECT_NOT_FOUND(40401, 404),
    VERSION_NOT_FOUND(40402, 404),
    SCHEMA_NOT_FOUND(40403, 404),
    SUBJECT_COMPATIBILITY_NOT_CONFIGURED(40408, 404),
    INVALID_SCHEMA(42201, 422),
    INVALID_VERSION(42202, 422),
    INVALID_COMPATIBILITY_LEVEL(42203, 422),
    BAD_REQUEST(400, 400),
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
