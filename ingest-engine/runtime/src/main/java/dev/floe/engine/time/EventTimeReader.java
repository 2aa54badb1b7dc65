package dev.floe.engine.time;

import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.row.FieldKind;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

/**
 * Reads the event time of rows of one {@link RowType}, in epoch milliseconds: a timestamp field
 * (with or without zone, micro- or nanoseconds), a date, a long or int counted in {@link
 * EventTimeUnit}s, or a string in a pattern. Compiled once per row type; reading allocates nothing
 * but for strings.
 */
public final class EventTimeReader {
    public static final String STAGE = "event-time";

    private final String field;
    private final int position;
    private final FieldKind kind;
    private final EventTimeUnit unit;
    private final DateTimeFormatter formatter;

    private EventTimeReader(
            String field, int position, FieldKind kind, EventTimeUnit unit, DateTimeFormatter formatter) {
        this.field = field;
        this.position = position;
        this.kind = kind;
        this.unit = unit;
        this.formatter = formatter;
    }

    /**
     * The reader of {@code spec}'s field in rows of {@code type}.
     *
     * @throws IllegalArgumentException saying why the field cannot hold event time
     */
    public static EventTimeReader compile(RowType type, EventTimeSpec spec) {
        if (spec.fromKafkaTimestamp()) {
            throw new IllegalArgumentException("event time from Kafka timestamps is not read from rows");
        }
        int position = position(type, spec.field());
        if (position < 0) {
            throw new IllegalArgumentException(
                    "no field '" + spec.field() + "' in the rows (fields: " + names(type) + ")");
        }
        FieldKind kind = type.kind(position);
        switch (kind) {
            case TIMESTAMP:
            case TIMESTAMP_NANO:
            case DATE:
            case LONG:
            case INT:
                return new EventTimeReader(spec.field(), position, kind, spec.unit(), null);
            case STRING:
                DateTimeFormatter formatter;
                try {
                    formatter = spec.format() == null
                            ? DateTimeFormatter.ISO_INSTANT
                            : DateTimeFormatter.ofPattern(spec.format()).withZone(ZoneOffset.UTC);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "format '" + spec.format() + "' is not a date-time pattern: " + e.getMessage());
                }
                return new EventTimeReader(spec.field(), position, kind, spec.unit(), formatter);
            default:
                throw new IllegalArgumentException("field '" + spec.field() + "' is of type "
                        + type.field(position).type() + "; event time needs a timestamp, date, long, int or"
                        + " string field");
        }
    }

    static int position(RowType type, String name) {
        for (int i = 0; i < type.size(); i++) {
            if (type.field(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    static String names(RowType type) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < type.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(type.field(i).name());
        }
        return text.toString();
    }

    /**
     * The event time of {@code row} in epoch milliseconds.
     *
     * @throws BadRecordException when the field is null or does not parse
     */
    public long millis(Row row) {
        if (row.isNull(position)) {
            throw new BadRecordException(
                    TimeErrorCode.NO_EVENT_TIME, STAGE, "Cannot read event time: field '" + field + "' is null");
        }
        switch (kind) {
            case TIMESTAMP:
                return Math.floorDiv(row.getLong(position), 1000);
            case TIMESTAMP_NANO:
                return Math.floorDiv(row.getLong(position), 1_000_000);
            case DATE:
                return row.getLong(position) * 86_400_000L;
            case LONG:
            case INT:
                return unit.toMillis(row.getLong(position));
            default:
                return parse(row.getReference(position).toString());
        }
    }

    private long parse(String text) {
        try {
            TemporalAccessor parsed = formatter.parse(text);
            if (parsed.isSupported(ChronoField.INSTANT_SECONDS)) {
                return Instant.from(parsed).toEpochMilli();
            }
            if (parsed.isSupported(ChronoField.HOUR_OF_DAY)) {
                return LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC).toEpochMilli();
            }
            return LocalDate.from(parsed)
                    .atStartOfDay(ZoneOffset.UTC)
                    .toInstant()
                    .toEpochMilli();
        } catch (java.time.DateTimeException e) {
            throw new BadRecordException(
                    TimeErrorCode.NO_EVENT_TIME,
                    STAGE,
                    "Cannot read event time: field '" + field + "' holds '" + text + "', which does not parse: "
                            + e.getMessage());
        }
    }
}
