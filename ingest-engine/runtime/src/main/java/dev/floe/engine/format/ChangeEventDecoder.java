package dev.floe.engine.format;

import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Decodes Debezium change events: an Avro envelope whose {@code before} and {@code after} fields
 * hold the row (one record schema, each optional), whose {@code op} says what happened, and whose
 * other fields ({@code source}, {@code ts_ms}, {@code transaction}) are skipped.
 *
 * <p>One pass over the envelope notes where each half starts and ends; only the half the operation
 * needs is then decoded, into the row type of the table: {@code after} for {@code c} (create),
 * {@code r} (snapshot read) and {@code u} (update), a {@link RowKind#WRITE}; {@code before} for
 * {@code d} (delete), a {@link RowKind#DELETE} whose key columns say what to delete. Anything else
 * (an unknown op, {@code t} for truncate, a missing half) is a bad record.
 *
 * <p>Compiled once per envelope writer schema; used by one thread.
 */
final class ChangeEventDecoder {
    private static final int OTHER = 0;
    private static final int BEFORE = 1;
    private static final int AFTER = 2;
    private static final int OP = 3;

    private final Schema[] fields;
    private final int[] roles;
    private final RowDecoder rows;
    private final AvroInput input = new AvroInput();

    private ChangeEventDecoder(Schema[] fields, int[] roles, RowDecoder rows) {
        this.fields = fields;
        this.roles = roles;
        this.rows = rows;
    }

    /**
     * The record schema of an envelope's rows: the record branch of its {@code after} field.
     *
     * @throws IllegalArgumentException saying why {@code envelope} is not a Debezium envelope
     */
    static Schema rowSchema(Schema envelope) {
        if (envelope.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(
                    "not a Debezium change event: the value schema is " + envelope.getType() + ", not a record");
        }
        Schema.Field op = envelope.getField("op");
        Schema.Field before = envelope.getField("before");
        Schema.Field after = envelope.getField("after");
        if (op == null || before == null || after == null) {
            throw new IllegalArgumentException("not a Debezium change event: record " + envelope.getFullName()
                    + " lacks " + (op == null ? "'op'" : before == null ? "'before'" : "'after'")
                    + " (an envelope has op, before, after)");
        }
        Schema opType = nonNull(op.schema());
        if (opType == null || opType.getType() != Schema.Type.STRING) {
            throw new IllegalArgumentException(
                    "not a Debezium change event: 'op' is " + op.schema() + ", not a string");
        }
        Schema row = rowOf(after);
        Schema beforeRow = rowOf(before);
        if (!row.equals(beforeRow)) {
            throw new IllegalArgumentException("not a Debezium change event: 'before' is " + beforeRow.getFullName()
                    + " and 'after' is " + row.getFullName() + "; both must hold the same record");
        }
        return row;
    }

    private static Schema rowOf(Schema.Field half) {
        Schema row = nonNull(half.schema());
        if (row == null || row.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("not a Debezium change event: '" + half.name() + "' is " + half.schema()
                    + ", not a record or a union of null and a record");
        }
        return row;
    }

    /** The one branch of a union with null, or the schema itself; null for any other union. */
    private static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        List<Schema> types = schema.getTypes();
        if (types.size() != 2) {
            return null;
        }
        if (types.get(0).getType() == Schema.Type.NULL) {
            return types.get(1);
        }
        return types.get(1).getType() == Schema.Type.NULL ? types.get(0) : null;
    }

    /**
     * @param envelope the writer schema of the events, checked by {@link #rowSchema}
     * @param rows decodes records of {@link #rowSchema(Schema)} into the table's rows
     */
    static ChangeEventDecoder of(Schema envelope, RowDecoder rows) {
        rowSchema(envelope);
        List<Schema.Field> writerFields = envelope.getFields();
        Schema[] fields = new Schema[writerFields.size()];
        int[] roles = new int[fields.length];
        for (int i = 0; i < fields.length; i++) {
            Schema.Field field = writerFields.get(i);
            fields[i] = field.schema();
            switch (field.name()) {
                case "before":
                    roles[i] = BEFORE;
                    break;
                case "after":
                    roles[i] = AFTER;
                    break;
                case "op":
                    roles[i] = OP;
                    break;
                default:
                    roles[i] = OTHER;
            }
        }
        return new ChangeEventDecoder(fields, roles, rows);
    }

    /**
     * Decodes the event in {@code bytes[offset, offset + length)} into the row its operation names,
     * reused by the next call.
     *
     * @throws DecodeFailure when the bytes are corrupt, a value cannot fit the table, or the event
     *     is not one Floe applies ({@link DecodeFailure.Kind#INVALID_CHANGE})
     */
    Row decode(byte[] bytes, int offset, int length) {
        input.reset(bytes, offset, length);
        int beforeStart = -1;
        int beforeEnd = -1;
        int afterStart = -1;
        int afterEnd = -1;
        int opStart = -1;
        int opLength = -1;
        try {
            for (int i = 0; i < fields.length; i++) {
                switch (roles[i]) {
                    case BEFORE:
                        beforeStart = half(fields[i]);
                        beforeEnd = input.position();
                        break;
                    case AFTER:
                        afterStart = half(fields[i]);
                        afterEnd = input.position();
                        break;
                    case OP:
                        if (fields[i].getType() == Schema.Type.UNION
                                && branch(fields[i]).getType() == Schema.Type.NULL) {
                            break;
                        }
                        opStart = input.readLengthPrefixed();
                        opLength = input.lengthFrom(opStart);
                        break;
                    default:
                        AvroSkipper.skip(input, fields[i]);
                }
            }
        } catch (AvroDecodeException e) {
            throw new DecodeFailure(DecodeFailure.Kind.CORRUPT, "corrupt Avro: " + e.getMessage());
        }
        if (input.remaining() != 0) {
            throw new DecodeFailure(
                    DecodeFailure.Kind.CORRUPT, "corrupt Avro: " + input.remaining() + " bytes left after the record");
        }
        byte op = opLength == 1 ? bytes[opStart] : 0;
        switch (op) {
            case 'c':
            case 'r':
            case 'u':
                if (afterStart < 0) {
                    throw invalid("op '" + (char) op + "' has a null 'after': there is no row to write");
                }
                Row written = rows.decode(bytes, afterStart, afterEnd - afterStart);
                written.setKind(RowKind.WRITE);
                return written;
            case 'd':
                if (beforeStart < 0) {
                    throw invalid("op 'd' has a null 'before': the key to delete is unknown");
                }
                Row deleted = rows.decode(bytes, beforeStart, beforeEnd - beforeStart);
                deleted.setKind(RowKind.DELETE);
                return deleted;
            default:
                String text =
                        opStart < 0 ? "null" : "'" + new String(bytes, opStart, opLength, StandardCharsets.UTF_8) + "'";
                throw invalid("unknown op " + text + " (Floe applies c, r, u and d"
                        + (text.equals("'t'") ? "; a truncate is not applied" : "") + ")");
        }
    }

    /** Reads one half's union branch: where its record starts, skipped; -1 when it is null. */
    private int half(Schema schema) {
        Schema record = schema.getType() == Schema.Type.UNION ? branch(schema) : schema;
        if (record.getType() == Schema.Type.NULL) {
            return -1;
        }
        int start = input.position();
        AvroSkipper.skip(input, record);
        return start;
    }

    private Schema branch(Schema union) {
        int index = input.readInt();
        if (index < 0 || index >= union.getTypes().size()) {
            throw new AvroDecodeException("union branch " + index + " out of range of "
                    + union.getTypes().size() + " branches");
        }
        return union.getTypes().get(index);
    }

    private static DecodeFailure invalid(String reason) {
        return new DecodeFailure(DecodeFailure.Kind.INVALID_CHANGE, "Debezium change event: " + reason);
    }
}
