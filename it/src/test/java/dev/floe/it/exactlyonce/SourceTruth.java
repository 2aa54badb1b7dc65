package dev.floe.it.exactlyonce;

import dev.floe.engine.format.ConfluentAvroDecoder;
import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.registry.CachingSchemaRegistry;
import dev.floe.registry.HttpSchemaRegistryClient;
import dev.floe.registry.RegistryClientConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;

/**
 * What a topic holds, read independently of the pipeline under test: the order ids of its valid
 * records, and the partition and offset of every record that cannot be ingested.
 *
 * @param validOrderIds order ids of the records that decode, one per record
 * @param badRecords {@code partition@offset} of the records that do not
 */
public record SourceTruth(List<Long> validOrderIds, Set<String> badRecords) {

    public static SourceTruth read(String bootstrapServers, String registryUrl, String topic) {
        List<Long> ids = new ArrayList<>();
        Set<String> bad = new HashSet<>();
        try (CachingSchemaRegistry registry =
                new CachingSchemaRegistry(new HttpSchemaRegistryClient(RegistryClientConfig.of(registryUrl)))) {
            ConfluentAvroDecoder decoder = new ConfluentAvroDecoder(registry, RowType::of);
            for (ConsumerRecord<ByteBuffer, ByteBuffer> record : readAll(bootstrapServers, topic)) {
                try {
                    Row row = decoder.decode(record.value());
                    ids.add(row.getLong(0));
                } catch (BadRecordException e) {
                    bad.add(record.partition() + "@" + record.offset());
                }
            }
        }
        return new SourceTruth(ids, bad);
    }

    /** The {@code partition@offset} each dead letter of {@code topic} says it came from, in order. */
    public static List<String> deadLetterSources(String bootstrapServers, String topic) {
        List<String> sources = new ArrayList<>();
        for (ConsumerRecord<ByteBuffer, ByteBuffer> record : readAll(bootstrapServers, topic)) {
            sources.add(header(record, "floe.source.partition") + "@" + header(record, "floe.source.offset"));
        }
        return sources;
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        if (header == null) {
            throw new AssertionError("dead letter at offset " + record.offset() + " lacks header " + key);
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Every committed record of {@code topic}, read to the end offsets seen at the start. */
    public static List<ConsumerRecord<ByteBuffer, ByteBuffer>> readAll(String bootstrapServers, String topic) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName());
        List<ConsumerRecord<ByteBuffer, ByteBuffer>> records = new ArrayList<>();
        try (KafkaConsumer<ByteBuffer, ByteBuffer> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }
}
