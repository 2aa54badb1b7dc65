package dev.floe.it.trino;

import dev.floe.deploy.demo.OrderSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a topic of the demo's orders holds, read back with Apache Avro's own reader (not Floe's):
 * the expected answers to the queries Trino runs on Floe's table.
 *
 * @param count records
 * @param distinctOrderIds distinct order ids
 * @param priceSum the sum of every price
 * @param endOffsets the next offset of every partition
 */
public record ProducedOrders(long count, long distinctOrderIds, BigDecimal priceSum, Map<Integer, Long> endOffsets) {
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    public static ProducedOrders read(String bootstrapServers, String topic) {
        Schema schema = OrderSchema.avro();
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(schema);
        Schema priceSchema = schema.getField("price").schema();
        Conversions.DecimalConversion decimals = new Conversions.DecimalConversion();
        Set<Long> orderIds = new HashSet<>();
        long count = 0;
        BigDecimal sum = BigDecimal.ZERO;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long expected = ends.values().stream().mapToLong(Long::longValue).sum();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (count < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    // the wire format: magic byte 0, a 4-byte schema id, the Avro body
                    GenericRecord order = reader.read(
                            null,
                            DecoderFactory.get().binaryDecoder(record.value(), 5, record.value().length - 5, null));
                    orderIds.add((Long) order.get("order_id"));
                    sum = sum.add(
                            decimals.fromBytes((ByteBuffer) order.get("price"), priceSchema, (LogicalTypes.Decimal)
                                    priceSchema.getLogicalType()));
                    count++;
                }
            }
            if (count < expected) {
                throw new IllegalStateException(
                        "Cannot read topic " + topic + ": " + count + " of " + expected + " records within " + TIMEOUT);
            }
            Map<Integer, Long> endOffsets = new HashMap<>();
            ends.forEach((partition, offset) -> endOffsets.put(partition.partition(), offset));
            return new ProducedOrders(count, orderIds.size(), sum, Map.copyOf(endOffsets));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot decode an order of " + topic + ": " + e, e);
        }
    }
}
