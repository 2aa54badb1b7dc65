package dev.floe.engine.format;

import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import java.util.Objects;

/**
 * Decodes the Avro bytes of one writer schema into rows of one table type. Compiled once per
 * (writer schema, table type) by {@link DecoderCompiler}; used by one thread.
 *
 * <p>{@link #decode} fills and returns the same row each time, with the same string slices and
 * nested rows: strings and bytes in it point into the input array. A caller that keeps a row or a
 * value past the next call keeps a {@link Row#copy()} or {@link Row#detach()} of it.
 */
public final class RowDecoder {
    private final RowType type;
    private final DecoderCompiler.RecordDecoder record;
    private final String incompatibility;
    private final AvroInput input = new AvroInput();
    private final Row row;

    private RowDecoder(RowType type, DecoderCompiler.RecordDecoder record, String incompatibility) {
        this.type = Objects.requireNonNull(type, "type");
        this.record = record;
        this.incompatibility = incompatibility;
        this.row = new Row(type);
    }

    static RowDecoder of(RowType type, DecoderCompiler.RecordDecoder record) {
        return new RowDecoder(type, record, null);
    }

    static RowDecoder incompatible(RowType type, String reason) {
        return new RowDecoder(type, null, reason);
    }

    public RowType type() {
        return type;
    }

    /** Why no record of this writer schema fits the table, or null when records can fit. */
    public String incompatibility() {
        return incompatibility;
    }

    /**
     * Decodes the Avro binary record in {@code bytes[offset, offset + length)}.
     *
     * @throws DecodeFailure with the reason when the bytes are corrupt, have bytes left over, or
     *     hold a value the table cannot take
     */
    public Row decode(byte[] bytes, int offset, int length) {
        if (incompatibility != null) {
            throw new DecodeFailure(DecodeFailure.Kind.INCOMPATIBLE, incompatibility);
        }
        input.reset(bytes, offset, length);
        try {
            record.decodeInto(input, row);
        } catch (AvroDecodeException e) {
            throw new DecodeFailure(DecodeFailure.Kind.CORRUPT, "corrupt Avro: " + e.getMessage());
        } catch (IncompatibleRecordException e) {
            throw new DecodeFailure(DecodeFailure.Kind.INCOMPATIBLE, e.getMessage());
        } catch (ArithmeticException e) {
            throw new DecodeFailure(DecodeFailure.Kind.INCOMPATIBLE, "value out of range: " + e.getMessage());
        }
        if (input.remaining() != 0) {
            throw new DecodeFailure(
                    DecodeFailure.Kind.CORRUPT, "corrupt Avro: " + input.remaining() + " bytes left after the record");
        }
        return row;
    }
}
