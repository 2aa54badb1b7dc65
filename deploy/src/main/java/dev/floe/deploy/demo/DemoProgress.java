package dev.floe.deploy.demo;

import dev.floe.iceberg.CatalogConfig;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;

/**
 * Counts what the demo's pipeline has done, the way a user would check it: rows in the table as
 * its current snapshot says, and records in the dead-letter topic as a read-committed consumer sees
 * them.
 */
final class DemoProgress implements AutoCloseable {
    private final Catalog catalog;
    private final TableIdentifier table;
    private final KafkaConsumer<ByteBuffer, ByteBuffer> deadLetters;
    private long deadLettered;

    DemoProgress(CatalogConfig catalog, String table, String bootstrapServers, String deadLetterTopic) {
        this.catalog = catalog.load();
        this.table = TableIdentifier.parse(table);
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "floe-demo-progress");
        this.deadLetters = new KafkaConsumer<>(properties);
        List<TopicPartition> partitions = new ArrayList<>();
        deadLetters
                .partitionsFor(deadLetterTopic, Duration.ofSeconds(30))
                .forEach(info -> partitions.add(new TopicPartition(deadLetterTopic, info.partition())));
        deadLetters.assign(partitions);
        deadLetters.seekToBeginning(partitions);
    }

    /** Rows in the table's current snapshot; 0 before the table exists. */
    long committedRows() {
        return committedRows(table);
    }

    /** Rows in the current snapshot of {@code other}, another table of the demo's catalog. */
    long committedRows(TableIdentifier other) {
        Table loaded = load(other);
        if (loaded == null || loaded.currentSnapshot() == null) {
            return 0;
        }
        Snapshot snapshot = loaded.currentSnapshot();
        return Long.parseLong(snapshot.summary().getOrDefault(SnapshotSummary.TOTAL_RECORDS_PROP, "0"));
    }

    /** Committed records in the dead-letter topic so far. */
    long deadLettered() {
        ConsumerRecords<ByteBuffer, ByteBuffer> records = deadLetters.poll(Duration.ofMillis(200));
        deadLettered += records.count();
        return deadLettered;
    }

    /** A few rows of the table, as column=value text. */
    List<String> sampleRows(int count) throws IOException {
        Table loaded = load();
        List<String> rows = new ArrayList<>();
        if (loaded == null) {
            return rows;
        }
        try (CloseableIterable<Record> records = IcebergGenerics.read(loaded).build()) {
            for (Record record : records) {
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < record.size(); i++) {
                    text.append(i == 0 ? "" : " ")
                            .append(record.struct().fields().get(i).name())
                            .append('=')
                            .append(record.get(i));
                }
                rows.add(text.toString());
                if (rows.size() == count) {
                    break;
                }
            }
        }
        return rows;
    }

    /** The table's snapshots, newest last, with what Floe recorded in each. */
    List<Map<String, String>> snapshotSummaries() {
        Table loaded = load();
        List<Map<String, String>> summaries = new ArrayList<>();
        if (loaded != null) {
            loaded.snapshots().forEach(snapshot -> summaries.add(snapshot.summary()));
        }
        return summaries;
    }

    private Table load() {
        return load(table);
    }

    private Table load(TableIdentifier identifier) {
        try {
            return catalog.loadTable(identifier);
        } catch (NoSuchTableException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        deadLetters.close();
        if (catalog instanceof Closeable) {
            ((Closeable) catalog).close();
        }
    }
}
