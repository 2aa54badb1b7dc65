package dev.floe.engine.format;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.config.EngineOptions;
import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowKind;
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
import org.apache.avro.Resolver;
import org.apache.avro.Schema;

/**
 * Decodes record values framed in Confluent's wire format into rows of the table's type.
 *
 * <p>For each writer schema id it meets, it fetches the schema (once, through the shared cache),
 * asks the sink which row type records of that schema must have, and compiles a decoder for the
 * pair. One instance per subtask: not thread-safe.
 *
 * <p>With {@link EngineOptions.SourceFormat#DEBEZIUM}, values are Debezium change events whose
 * {@code after} record is the row (see {@link ChangeEventDecoder}); the table's type is asked for
 * that record's schema, not the envelope's. With {@link Tombstones#DELETE}, a record without a value
 * becomes a {@link RowKind#DELETE} row decoded from its key, a framed Avro record whose fields name
 * the key columns; the row has the key record's own type, as only its key columns count.
 *
 * <p>Errors say what the caller must do: {@link BadRecordException} for a record to dead-letter,
 * {@link RetriableException} when the registry is unavailable (retry the same record later), and
 * {@link FatalException} when retrying cannot help.
 */
public final class ConfluentAvroDecoder {
    /** What a record without a value (a tombstone) is. */
    public enum Tombstones {
        /** A bad record ({@link EngineErrorCode#NULL_VALUE}): the sink appends. */
        REJECT,
        /** A delete of its key: the sink applies deletes. */
        DELETE
    }

    private final CachingSchemaRegistry registry;
    private final Function<org.apache.iceberg.Schema, RowType> targetType;
    private final EngineOptions.SourceFormat format;
    private final Tombstones tombstones;
    private final Map<Integer, PayloadDecoder> decoders = new HashMap<>();
    private final Map<Integer, RowDecoder> keyDecoders = new HashMap<>();
    /** The decoder of the schema id met last: a topic's records nearly all share one, so no map lookup. */
    private int lastSchemaId;

    private PayloadDecoder lastDecoder;

    /**
     * A decoder of Avro rows that rejects tombstones.
     *
     * @param registry the shared schema cache
     * @param targetType the row type records of a given schema must have; the sink's answer
     */
    public ConfluentAvroDecoder(
            CachingSchemaRegistry registry, Function<org.apache.iceberg.Schema, RowType> targetType) {
        this(registry, targetType, EngineOptions.SourceFormat.AVRO, Tombstones.REJECT);
    }

    /**
     * @param registry the shared schema cache
     * @param targetType the row type records of a given schema must have; the sink's answer
     * @param format what a value holds
     * @param tombstones what a record without a value is
     */
    public ConfluentAvroDecoder(
            CachingSchemaRegistry registry,
            Function<org.apache.iceberg.Schema, RowType> targetType,
            EngineOptions.SourceFormat format,
            Tombstones tombstones) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.targetType = Objects.requireNonNull(targetType, "targetType");
        this.format = Objects.requireNonNull(format, "format");
        this.tombstones = Objects.requireNonNull(tombstones, "tombstones");
    }

    /**
     * The Avro schema of the rows that values of writer schema {@code value} hold: the value's own
     * schema, or for {@link EngineOptions.SourceFormat#DEBEZIUM} the change event's row.
     *
     * @throws IllegalArgumentException saying why a debezium value's schema is not an envelope
     */
    public static Schema rowSchema(Schema value, EngineOptions.SourceFormat format) {
        return format == EngineOptions.SourceFormat.DEBEZIUM ? ChangeEventDecoder.rowSchema(value) : value;
    }

    /**
     * Decodes one record from its framed key and value: the value's row, or for a tombstone with
     * {@link Tombstones#DELETE} a delete of the key's. The returned row, its string slices and its
     * nested rows are reused by the next call (keep a {@link Row#copy()} or {@link Row#detach()});
     * its strings and bytes point into the buffers' bytes, which are never rewritten.
     */
    public Row decode(ByteBuffer key, ByteBuffer value) {
        if (value != null || tombstones == Tombstones.REJECT) {
            return decode(value);
        }
        if (key == null) {
            throw new BadRecordException(
                    EngineErrorCode.TOMBSTONE_KEY_INVALID,
                    "the record has neither a value nor a key: a tombstone needs its key to say what to delete");
        }
        int schemaId;
        try {
            schemaId = WireFormat.schemaId(key);
        } catch (MalformedPayloadException e) {
            throw new BadRecordException(
                    EngineErrorCode.TOMBSTONE_KEY_INVALID,
                    "the tombstone's key is not a Confluent-framed Avro record, so it cannot say what to delete: "
                            + e.getMessage());
        }
        RowDecoder decoder = keyDecoders.get(schemaId);
        if (decoder == null) {
            decoder = compileKey(schemaId);
            keyDecoders.put(schemaId, decoder);
        }
        int length = key.remaining() - WireFormat.HEADER_SIZE;
        // keys are small and tombstones rare: a copy keeps the array-or-direct cases one. A fresh
        // array, never a reused one: the row's byte buffers point into it, and copies of the row
        // (for the keyBy exchange) share them
        byte[] keyBytes = new byte[length];
        key.duplicate().position(key.position() + WireFormat.HEADER_SIZE).get(keyBytes, 0, length);
        Row row;
        try {
            row = decoder.decode(keyBytes, 0, length);
        } catch (DecodeFailure e) {
            throw new BadRecordException(
                    EngineErrorCode.TOMBSTONE_KEY_INVALID,
                    "the tombstone's key, schema id " + schemaId + ": " + e.getMessage());
        }
        row.setKind(RowKind.DELETE);
        return row;
    }

    /**
     * Decodes one framed value. The returned row, its string slices and its nested rows are reused
     * by the next call (keep a {@link Row#copy()} or {@link Row#detach()}); its strings and bytes
     * point into {@code value}'s bytes.
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
        PayloadDecoder decoder;
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
            // a direct or read-only buffer (Kafka's consumer hands heap buffers, so not the hot
            // path): copy into a fresh array, never a reused one, as the row's byte buffers point
            // into it and copies of the row share them
            bytes = new byte[length];
            value.duplicate()
                    .position(value.position() + WireFormat.HEADER_SIZE)
                    .get(bytes, 0, length);
            offset = 0;
        }
        try {
            return decoder.decode(bytes, offset, length);
        } catch (DecodeFailure e) {
            EngineErrorCode code;
            switch (e.kind()) {
                case CORRUPT:
                    code = EngineErrorCode.CORRUPT_RECORD;
                    break;
                case INVALID_CHANGE:
                    code = EngineErrorCode.CHANGE_EVENT_INVALID;
                    break;
                default:
                    code = EngineErrorCode.INCOMPATIBLE_RECORD;
            }
            throw new BadRecordException(code, "schema id " + schemaId + ": " + e.getMessage());
        }
    }

    /** Decodes the Avro bytes of one value schema. */
    @FunctionalInterface
    private interface PayloadDecoder {
        Row decode(byte[] bytes, int offset, int length);
    }

    private PayloadDecoder compile(int schemaId) {
        Schema writer = writerSchema(schemaId);
        if (format == EngineOptions.SourceFormat.AVRO) {
            // its rows stay RowKind.WRITE: nothing else decodes into them
            return compileRows(schemaId, writer, writer)::decode;
        }
        Schema rowSchema;
        try {
            rowSchema = ChangeEventDecoder.rowSchema(writer);
        } catch (IllegalArgumentException e) {
            throw new BadRecordException(
                    EngineErrorCode.UNSUPPORTED_SCHEMA,
                    "schema id " + schemaId + " (source.format: debezium): " + e.getMessage());
        }
        return ChangeEventDecoder.of(writer, compileRows(schemaId, writer, rowSchema))::decode;
    }

    /** The decoder of a tombstone key's record into rows of its own type. */
    private RowDecoder compileKey(int schemaId) {
        Schema writer;
        try {
            writer = writerSchema(schemaId);
        } catch (BadRecordException e) {
            throw new BadRecordException(
                    EngineErrorCode.TOMBSTONE_KEY_INVALID, "the tombstone's key: " + e.getMessage(), e);
        }
        if (writer.getType() != Schema.Type.RECORD) {
            throw new BadRecordException(
                    EngineErrorCode.TOMBSTONE_KEY_INVALID,
                    "the tombstone's key (schema id " + schemaId + ") is " + writer.getType()
                            + ", not an Avro record whose fields name the table's key columns");
        }
        RowType type;
        try {
            type = RowType.of(AvroToIceberg.convert(writer));
        } catch (IllegalArgumentException e) {
            throw new BadRecordException(
                    EngineErrorCode.TOMBSTONE_KEY_INVALID,
                    "the tombstone's key, schema id " + schemaId + ": " + e.getMessage());
        }
        return DecoderCompiler.compile(
                registry.resolution(schemaId, ReaderSchemas.readerSchema(type.struct(), writer)), type);
    }

    private Schema writerSchema(int schemaId) {
        try {
            return registry.avroSchema(schemaId);
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
    }

    /**
     * The decoder of records of {@code rowWriter}, the row within the value schema {@code writer}
     * (the value itself, or an envelope's row), into the row type the sink asks for.
     */
    private RowDecoder compileRows(int schemaId, Schema writer, Schema rowWriter) {
        org.apache.iceberg.Schema produced;
        try {
            produced = AvroToIceberg.convert(rowWriter);
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
        Schema reader = ReaderSchemas.readerSchema(type.struct(), rowWriter);
        Resolver.Action resolution =
                rowWriter == writer ? registry.resolution(schemaId, reader) : Resolver.resolve(rowWriter, reader);
        return DecoderCompiler.compile(resolution, type);
    }
}
