package dev.floe.engine.format;

/** Avro bytes that do not decode with their writer schema: corrupt or truncated. */
final class AvroDecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AvroDecodeException(String message) {
        super(message, null, false, false);
    }
}
