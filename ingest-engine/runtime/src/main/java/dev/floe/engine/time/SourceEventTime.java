package dev.floe.engine.time;

import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.sink.SourcePartition;
import java.util.List;

/**
 * A source subtask's event time: which time each record carries (its Kafka timestamp, or a field of
 * the row it became after the stateless operators) and the subtask's {@link WatermarkTracker}.
 */
public final class SourceEventTime {
    private final EventTimeSpec spec;
    private final WatermarkTracker tracker;
    private RowType readerType;
    private EventTimeReader reader;

    public SourceEventTime(EventTimeSpec spec, List<SourcePartition> partitions, long now) {
        this.spec = spec;
        this.tracker = new WatermarkTracker(partitions, spec.maxOutOfOrderness(), spec.idleTimeout(), now);
    }

    /** A record was read: with Kafka timestamps, that is its event time. */
    public void onRecord(String topic, int partition, long kafkaTimestamp) {
        if (spec.fromKafkaTimestamp()) {
            tracker.observe(topic, partition, kafkaTimestamp);
        }
    }

    /**
     * A row of the record goes to the keyed stage: with an event-time field, its value is the
     * record's event time.
     *
     * @throws dev.floe.engine.spi.error.BadRecordException when the row has no valid event time
     */
    public void onRow(String topic, int partition, Row row) {
        if (spec.fromKafkaTimestamp()) {
            return;
        }
        if (row.type() != readerType) {
            try {
                reader = EventTimeReader.compile(row.type(), spec);
            } catch (IllegalArgumentException e) {
                throw new BadRecordException(
                        TimeErrorCode.NO_EVENT_TIME,
                        EventTimeReader.STAGE,
                        "Cannot read event time: " + e.getMessage());
            }
            readerType = row.type();
        }
        tracker.observe(topic, partition, reader.millis(row));
    }

    /** After a poll; see {@link WatermarkTracker#update}. */
    public WatermarkTracker.Change update(long now) {
        return tracker.update(now);
    }

    public long watermark() {
        return tracker.watermark();
    }
}
