package dev.floe.engine.source;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.spi.deadletter.Bytes;
import dev.floe.engine.spi.deadletter.DeadLetter;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;

/**
 * Reads the partitions assigned to one subtask. The consumer is assigned partitions explicitly (no
 * group membership): checkpoints decide positions, not the group.
 *
 * <p>Values reach the handler as views of the fetched buffers ({@link ByteBufferDeserializer}
 * returns them without a copy), so decoding reads the bytes where Kafka put them.
 */
public final class KafkaSourceReader implements AutoCloseable {
    private final KafkaConsumer<ByteBuffer, ByteBuffer> consumer;
    private final List<TopicPartition> assignment;
    private final View view = new View();
    private boolean paused;

    /**
     * @param properties consumer properties (bootstrap servers, security, tuning)
     * @param assignment the partitions this reader owns
     * @param clientId the client id, naming the pipeline and subtask in broker logs
     */
    public KafkaSourceReader(Map<String, String> properties, List<SourcePartition> assignment, String clientId) {
        Properties config = new Properties();
        config.putAll(properties);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // positions come from checkpoints and tables, never from the group
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName());
        config.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "4096");
        config.putIfAbsent(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536");
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        config.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(4 << 20));
        config.putIfAbsent(ConsumerConfig.RECEIVE_BUFFER_CONFIG, String.valueOf(1 << 20));
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(config);
        this.assignment = new ArrayList<>();
        for (SourcePartition partition : assignment) {
            this.assignment.add(new TopicPartition(partition.topic(), partition.partition()));
        }
        consumer.assign(this.assignment);
    }

    /**
     * Positions every assigned partition: at its offset in {@code offsets} when it has one,
     * otherwise at {@code initial}.
     */
    public void seek(SourceOffsets offsets, InitialPosition initial) {
        seek(assignment, offsets, initial);
    }

    private void seek(List<TopicPartition> partitions, SourceOffsets offsets, InitialPosition initial) {
        List<TopicPartition> unknown = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            SourcePartition key = new SourcePartition(partition.topic(), partition.partition());
            if (offsets.offset(key).isPresent()) {
                consumer.seek(partition, offsets.offset(key).getAsLong());
            } else {
                unknown.add(partition);
            }
        }
        if (unknown.isEmpty()) {
            return;
        }
        switch (initial.kind()) {
            case EARLIEST:
                consumer.seekToBeginning(unknown);
                break;
            case LATEST:
                consumer.seekToEnd(unknown);
                break;
            default:
                Map<TopicPartition, Long> query = new HashMap<>();
                unknown.forEach(
                        partition -> query.put(partition, initial.timestamp().toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> found;
                try {
                    found = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
                } catch (KafkaException e) {
                    throw new RetriableException(
                            EngineErrorCode.KAFKA_FAILED,
                            "Cannot find the offsets of " + unknown + " at " + initial.timestamp() + ": " + e,
                            e);
                }
                List<TopicPartition> past = new ArrayList<>();
                for (TopicPartition partition : unknown) {
                    OffsetAndTimestamp offset = found.get(partition);
                    if (offset == null) {
                        // no record at or after the timestamp yet: start at what comes next
                        past.add(partition);
                    } else {
                        consumer.seek(partition, offset.offset());
                    }
                }
                if (!past.isEmpty()) {
                    consumer.seekToEnd(past);
                }
        }
    }

    /**
     * Adds partitions found while running (new partitions of a topic, new topics of a pattern); they
     * are read from their start, since nothing of them was read before.
     */
    public void addPartitions(List<SourcePartition> added) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (SourcePartition partition : added) {
            TopicPartition topicPartition = new TopicPartition(partition.topic(), partition.partition());
            if (!assignment.contains(topicPartition)) {
                partitions.add(topicPartition);
            }
        }
        if (partitions.isEmpty()) {
            return;
        }
        assignment.addAll(partitions);
        consumer.assign(assignment);
        if (paused) {
            consumer.pause(partitions);
        }
        consumer.seekToBeginning(partitions);
    }

    /** Whether any partition is assigned: a subtask of a pipeline wider than its topics may have none. */
    public boolean hasPartitions() {
        return !assignment.isEmpty();
    }

    /**
     * Polls once and hands every record to {@code handler}, in offset order per partition.
     *
     * @return the number of records handled; 0 also when {@link #wakeup()} interrupted the poll
     */
    public int poll(Duration timeout, RecordHandler handler) {
        if (assignment.isEmpty()) {
            throw new IllegalStateException("Cannot poll a reader with no partitions; check hasPartitions()");
        }
        ConsumerRecords<ByteBuffer, ByteBuffer> records;
        try {
            records = consumer.poll(timeout);
        } catch (WakeupException e) {
            // wakeup() asked the poll to return: the caller is stopping
            return 0;
        } catch (KafkaException e) {
            throw KafkaErrors.classify("poll " + assignment, e);
        }
        int count = 0;
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<ByteBuffer, ByteBuffer> record : records.records(partition)) {
                view.record = record;
                view.headers = null;
                handler.onRecord(view);
                count++;
            }
        }
        view.record = null;
        return count;
    }

    /**
     * The next offset of every assigned partition: everything before it has been handed out by
     * {@link #poll}. Taken at a barrier, after the handler processed the whole poll.
     */
    public SourceOffsets positions() {
        Map<SourcePartition, Long> positions = new HashMap<>();
        for (TopicPartition partition : assignment) {
            positions.put(new SourcePartition(partition.topic(), partition.partition()), consumer.position(partition));
        }
        return SourceOffsets.of(positions);
    }

    /**
     * The end of every assigned partition now: the offset after the last committed record (the
     * consumer reads committed records only).
     */
    public SourceOffsets endOffsets() {
        Map<SourcePartition, Long> ends = new HashMap<>();
        try {
            consumer.endOffsets(assignment, Duration.ofSeconds(30))
                    .forEach((partition, offset) ->
                            ends.put(new SourcePartition(partition.topic(), partition.partition()), offset));
        } catch (KafkaException e) {
            throw new RetriableException(
                    EngineErrorCode.KAFKA_FAILED, "Cannot read the end of " + assignment + ": " + e, e);
        }
        return SourceOffsets.of(ends);
    }

    /**
     * How far each assigned partition's position is behind its end: as the last fetch reported it,
     * without asking the broker, while reading; from the broker while paused. A partition whose end
     * is not known yet is absent. From the subtask's thread.
     */
    public Map<SourcePartition, Long> lag() {
        Map<SourcePartition, Long> lag = new HashMap<>();
        if (paused) {
            // paused partitions are not fetched, so the consumer's cached ends go stale: ask the broker
            try {
                consumer.endOffsets(assignment, Duration.ofSeconds(5))
                        .forEach((partition, end) -> lag.put(
                                new SourcePartition(partition.topic(), partition.partition()),
                                Math.max(0, end - consumer.position(partition))));
            } catch (KafkaException e) {
                // the lag stays unknown until the broker answers; reading is not affected
            }
            return lag;
        }
        for (TopicPartition partition : assignment) {
            java.util.OptionalLong behind = consumer.currentLag(partition);
            if (behind.isPresent()) {
                lag.put(new SourcePartition(partition.topic(), partition.partition()), behind.getAsLong());
            }
        }
        return lag;
    }

    /** Stops fetching (backpressure) while still allowing polls, which return nothing. */
    public void pause() {
        if (!paused) {
            consumer.pause(assignment);
            paused = true;
        }
    }

    public void resume() {
        if (paused) {
            consumer.resume(assignment);
            paused = false;
        }
    }

    /** Interrupts a poll in progress from another thread. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    /** The reused view of the record being handled. */
    private static final class View implements SourceRecord {
        private ConsumerRecord<ByteBuffer, ByteBuffer> record;
        private Header[] headers;

        View() {}

        View(ConsumerRecord<ByteBuffer, ByteBuffer> record) {
            this.record = record;
        }

        @Override
        public String topic() {
            return record.topic();
        }

        @Override
        public int partition() {
            return record.partition();
        }

        @Override
        public long offset() {
            return record.offset();
        }

        @Override
        public long timestamp() {
            return record.timestamp();
        }

        @Override
        public ByteBuffer key() {
            return record.key();
        }

        @Override
        public ByteBuffer value() {
            return record.value();
        }

        @Override
        public int headerCount() {
            return headers().length;
        }

        @Override
        public String headerKey(int index) {
            return headers()[index].key();
        }

        @Override
        public byte[] headerValue(int index) {
            return headers()[index].value();
        }

        private Header[] headers() {
            if (headers == null) {
                headers = record.headers().toArray();
            }
            return headers;
        }

        @Override
        public SourceRecord retain() {
            return new View(record);
        }

        @Override
        public DeadLetter toDeadLetter(String stage, String errorCode, String reason, Instant failedAt) {
            List<DeadLetter.Header> copied = new ArrayList<>();
            for (Header header : record.headers()) {
                copied.add(new DeadLetter.Header(header.key(), Bytes.copyOf(header.value())));
            }
            return new DeadLetter(
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    record.timestamp(),
                    Bytes.copyOf(record.key()),
                    Bytes.copyOf(record.value()),
                    copied,
                    stage,
                    errorCode,
                    reason,
                    failedAt);
        }
    }
}
