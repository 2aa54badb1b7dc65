package dev.floe.engine.format;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.registry.CachingSchemaRegistry;
import dev.floe.registry.MalformedPayloadException;
import dev.floe.registry.RegistryAuthenticationException;
import dev.floe.registry.RegistryRequestException;
import dev.floe.registry.RegistryUnavailableException;
import dev.floe.registry.SchemaNotFoundException;
import dev.floe.registry.WireFormat;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.avro.Schema;

/**
 * Decodes record values framed in Confluent's wire format into rows of the table's type.
 *
 * <p>For each writer schema id it meets, it fetches the schema (once, through the shared cache),
 * asks the sink which row type records of that schema must have, and compiles a decoder for the
 * pair. One instance per subtask: not thread-safe.
 *
 * <p>Errors say what the caller must do: {@link BadRecordException} for a record to dead-letter,
 * {@link RetriableException} when the registry is unavailable (retry the same record later), and
 * {@link FatalException} when retrying cannot help.
 */
public final class ConfluentAvroDecoder {
    private final CachingSchemaRegistry registry;
    private final Function<org.apache.iceberg.Schema, RowType> targetType;
    private final Map<Integer, RowDecoder> decoders = new HashMap<>();
    /** The decoder of the schema id met last: a topic's records nearly all share one, so no map lookup. */
    private int lastSchemaId;

    private RowDecoder lastDecoder;
    private byte[] copyBuffer = new byte[0];

    /**
     * @param registry the shared schema cache
     * @param targetType the row type records of a given schema must have; the sink's answer
     */
    public ConfluentAvroDecoder(
            CachingSchemaRegistry registry, Function<org.apache.iceberg.Schema, RowType> targetType) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.targetType = Objects.requireNonNull(targetType, "targetType");
    }

    /**
     * Decodes one framed value. The returned row is reused by the next call; its strings are
     * slices of {@code value}'s bytes.
     */
    public Row decode(ByteBuffer value) {
        if (value == null) {
            throw new BadRecordException(EngineErrorCode.NULL_VALUE, "the record has no value (a tombstone)");
        }
        int schemaId;
        try {
            schemaId = WireFormat.schemaId(value);
        } catch (MalformedPayloadException e) {
            throw new BadRecordException(EngineErrorCode.NOT_WIRE_FORMAT, e.getMessage());
        }
        RowDecoder decoder;
        if (lastDecoder != null && schemaId == lastSchemaId) {
            decoder = lastDecoder;
        } else {
            decoder = decoders.get(schemaId);
            if (decoder == null) {
                decoder = compile(schemaId);
                decoders.put(schemaId, decoder);
            }
            lastSchemaId = schemaId;
            lastDecoder = decoder;
        }
        byte[] bytes;
        int offset;
        int length = value.remaining() - WireFormat.HEADER_SIZE;
        if (value.hasArray()) {
            bytes = value.array();
            offset = value.arrayOffset() + value.position() + WireFormat.HEADER_SIZE;
        } else {
            // a direct or read-only buffer: copy into a reused array. Slices then point into that
            // array, so the row must be written before the next decode, as the contract says.
            if (copyBuffer.length < length) {
                copyBuffer = new byte[Math.max(length, copyBuffer.length * 2)];
            }
            value.duplicate()
                    .position(value.position() + WireFormat.HEADER_SIZE)
                    .get(copyBuffer, 0, length);
            bytes = copyBuffer;
            offset = 0;
        }
        try {
            return decoder.decode(bytes, offset, length);
        } catch (DecodeFailure e) {
            EngineErrorCode code = e.kind() == DecodeFailure.Kind.CORRUPT
                    ? EngineErrorCode.CORRUPT_RECORD
                    : EngineErrorCode.INCOMPATIBLE_RECORD;
            throw new BadRecordException(code, "schema id " + schemaId + ": " + e.getMessage());
        }
    }

    private RowDecoder compile(int schemaId) {
        Schema writer;
        try {
            writer = registry.avroSchema(schemaId);
        } catch (SchemaNotFoundException e) {
            throw new BadRecordException(
                    EngineErrorCode.UNKNOWN_SCHEMA,
                    "unknown schema id " + schemaId + " (registry error code " + e.errorCode() + ")");
        } catch (RegistryRequestException e) {
            throw new BadRecordException(EngineErrorCode.UNSUPPORTED_SCHEMA, e.getMessage());
        } catch (RegistryUnavailableException e) {
            throw new RetriableException(EngineErrorCode.REGISTRY_UNAVAILABLE, e.getMessage(), e);
        } catch (RegistryAuthenticationException e) {
            throw new FatalException(EngineErrorCode.REGISTRY_AUTHENTICATION, e.getMessage(), e);
        }
        org.apache.iceberg.Schema produced;
        try {
            produced = AvroToIceberg.convert(writer);
        } catch (IllegalArgumentException e) {
            throw new BadRecordException(
                    EngineErrorCode.UNSUPPORTED_SCHEMA, "schema id " + schemaId + ": " + e.getMessage());
        }
        RowType type;
        try {
            type = targetType.apply(produced);
        } catch (BadRecordException e) {
            // the sink refuses records of this schema (a change its table cannot take): say which
            throw new BadRecordException(e.code(), "schema id " + schemaId + ": " + e.getMessage(), e);
        }
        Schema reader = ReaderSchemas.readerSchema(type.struct(), writer);
        return DecoderCompiler.compile(registry.resolution(schemaId, reader), type);
    }
}
