package dev.floe.it.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.floe.deploy.demo.GeneratorReport;
import dev.floe.deploy.demo.OrdersGenerator;
import dev.floe.deploy.demo.OrdersGeneratorSettings;
import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.format.ConfluentAvroDecoder;
import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.error.ErrorCode;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.registry.CachingSchemaRegistry;
import dev.floe.registry.HttpSchemaRegistryClient;
import dev.floe.registry.RegistryClientConfig;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The demo's orders, read back and classified by Floe's own decoder. */
@ExtendWith(EmbeddedServersExtension.class)
class OrdersGeneratorIT {
    private static final Logger LOG = LoggerFactory.getLogger(OrdersGeneratorIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    OrdersGeneratorIT(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    /** Reads every record of {@code topic} and hands each to {@code each}; returns the partition count. */
    private int readAll(String topic, long expected, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        10_000),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long read = 0;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (read < expected) {
                if (System.nanoTime() > deadline) {
                    fail("Read only " + read + " of " + expected + " records from " + topic);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    each.accept(record);
                    read++;
                }
            }
            assertThat(consumer.poll(Duration.ofMillis(500)).count())
                    .as("records beyond the report")
                    .isZero();
            return partitions.size();
        }
    }

    @Test
    void countsOfEveryMalformedKindAreExact() {
        OrdersGeneratorSettings settings = OrdersGeneratorSettings.of(
                        broker.bootstrapServers(), registry.url(), "orders-exact")
                .withPartitions(3)
                .withMalformedFraction(0.02);
        GeneratorReport first;
        GeneratorReport second;
        try (OrdersGenerator generator = OrdersGenerator.start(settings)) {
            first = generator.produce(60_000);
            second = generator.produce(40_000);
        }
        long produced = first.produced() + second.produced();
        assertThat(produced).isEqualTo(100_000);
        assertThat(first.malformed()).isGreaterThan(0);

        Map<EngineErrorCode, Long> bad = new EnumMap<>(EngineErrorCode.class);
        Set<Long> orderIds = new HashSet<>();
        long[] valid = {0};
        long[] payloadBytes = {0};
        try (CachingSchemaRegistry schemas =
                new CachingSchemaRegistry(new HttpSchemaRegistryClient(RegistryClientConfig.of(registry.url())))) {
            ConfluentAvroDecoder decoder = new ConfluentAvroDecoder(schemas, RowType::of);
            int partitions = readAll("orders-exact", produced, record -> {
                payloadBytes[0] += record.value().length;
                Row row;
                try {
                    row = decoder.decode(ByteBuffer.wrap(record.value()));
                } catch (BadRecordException e) {
                    ErrorCode code = e.code();
                    bad.merge((EngineErrorCode) code, 1L, Long::sum);
                    return;
                }
                valid[0]++;
                assertThat(orderIds.add(row.getLong(0)))
                        .as("order ids are unique")
                        .isTrue();
                // keyed by customer: the key is the value's customer_id
                assertThat(row.getReference(1).toString()).isEqualTo(new String(record.key()));
            });
            assertThat(partitions).isEqualTo(3);
        }

        assertThat(valid[0]).isEqualTo(first.valid() + second.valid());
        assertThat(bad.getOrDefault(EngineErrorCode.NOT_WIRE_FORMAT, 0L))
                .isEqualTo(first.wrongMagicByte() + second.wrongMagicByte());
        assertThat(bad.getOrDefault(EngineErrorCode.UNKNOWN_SCHEMA, 0L))
                .isEqualTo(first.unknownSchemaId() + second.unknownSchemaId());
        assertThat(bad.getOrDefault(EngineErrorCode.CORRUPT_RECORD, 0L))
                .isEqualTo(first.corruptAvro() + second.corruptAvro());
        assertThat(bad.keySet())
                .containsOnly(
                        EngineErrorCode.NOT_WIRE_FORMAT,
                        EngineErrorCode.UNKNOWN_SCHEMA,
                        EngineErrorCode.CORRUPT_RECORD);
        assertThat(payloadBytes[0]).isEqualTo(first.payloadBytes() + second.payloadBytes());
        LOG.info("Generator: {} and {}", first, second);
    }

    @Test
    void theSameSeedProducesTheSameRecords() {
        List<byte[]> values = new ArrayList<>();
        for (String topic : List.of("orders-seed-a", "orders-seed-b")) {
            OrdersGeneratorSettings settings = OrdersGeneratorSettings.of(
                            broker.bootstrapServers(), registry.url(), topic)
                    .withPartitions(1)
                    .withSeed(7);
            try (OrdersGenerator generator = OrdersGenerator.start(settings)) {
                generator.produce(5_000);
            }
            List<byte[]> read = new ArrayList<>();
            readAll(topic, 5_000, record -> read.add(record.value()));
            if (values.isEmpty()) {
                values.addAll(read);
            } else {
                for (int i = 0; i < read.size(); i++) {
                    assertThat(Arrays.equals(read.get(i), values.get(i)))
                            .as("record %d", i)
                            .isTrue();
                }
            }
        }
    }

    @Test
    void producesAMillionOrdersAndReportsTheRate() {
        OrdersGeneratorSettings settings =
                OrdersGeneratorSettings.of(broker.bootstrapServers(), registry.url(), "orders-speed");
        try (OrdersGenerator generator = OrdersGenerator.start(settings)) {
            generator.produce(200_000);
            GeneratorReport report = generator.produce(1_000_000);
            // measured, not asserted: this box runs other builds too. The report shows the rate.
            LOG.info(
                    "Generator throughput: {} records/s, {} MB/s",
                    Math.round(report.recordsPerSecond()),
                    Math.round(report.payloadBytes() / report.seconds() / 1e6));
            assertThat(report.produced()).isEqualTo(1_000_000);
        }
    }
}
