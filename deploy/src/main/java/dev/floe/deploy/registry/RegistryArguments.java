package dev.floe.deploy.registry;

/** Reads the path arguments of requests, and the refusals every operation shares. */
final class RegistryArguments {
    /** What {@link #version} answers for {@code latest} and {@code -1}. */
    static final int LATEST = -1;

    private RegistryArguments() {}

    /** A version: a number from 1, or {@code latest} / {@code -1} ({@link #LATEST}). */
    static int version(String text, String action) {
        if ("latest".equals(text)) {
            return LATEST;
        }
        try {
            int version = Integer.parseInt(text);
            if (version == LATEST || version >= 1) {
                return version;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed values
        }
        throw new RegistryException(
                RegistryError.INVALID_VERSION,
                "Cannot " + action + ": a version is a number from 1 to " + Integer.MAX_VALUE + ", -1 or \"latest\"");
    }

    static int id(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw schemaNotFound(text);
        }
    }

    static RegistryException schemaNotFound(String idText) {
        return new RegistryException(
                RegistryError.SCHEMA_NOT_FOUND, "Cannot get schema " + idText + ": schema not found");
    }

    static RegistryException subjectNotFound(String subject, String action) {
        return new RegistryException(
                RegistryError.SUBJECT_NOT_FOUND, "Cannot " + action + ": subject '" + subject + "' not found");
    }

    /** Refuses a change under {@code subject} (null: a global one) while its mode is read-only. */
    static void requireWritable(RegistryState state, String subject, String action) {
        RegistryMode mode = state.modeInScope(subject);
        if (mode.readOnly()) {
            throw new RegistryException(
                    RegistryError.OPERATION_NOT_PERMITTED,
                    "Cannot " + action + ": "
                            + (subject == null ? "the registry" : "subject '" + subject + "'")
                            + " is in " + mode + " mode");
        }
    }
}
