package dev.floe.it.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.it.servers.EmbeddedServers;
import dev.floe.it.servers.EmbeddedServersExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedServersExtension.class)
class EmbeddedKafkaBrokerIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static void createTopic(String bootstrapServers, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
                    .all()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrapServers, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** Every record of {@code topic} readable at {@code isolation}, once {@code expected} have arrived. */
    private static List<ConsumerRecord<String, String>> consume(
            String bootstrapServers, String topic, int partitions, String isolation, int expected) {
        List<TopicPartition> assigned = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            assigned.add(new TopicPartition(topic, p));
        }
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (records.size() < expected) {
                if (System.nanoTime() > deadline) {
                    fail("Received only " + records.size() + " of " + expected + " records from " + topic);
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            // whatever else is readable now would be a record too many
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

    @Test
    void producesAndConsumesOnOneNode(EmbeddedKafkaBroker broker) throws Exception {
        createTopic(broker.bootstrapServers(), "plain", 3);
        try (KafkaProducer<String, String> producer = producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 300; i++) {
                producer.send(new ProducerRecord<>("plain", "key-" + i, "value-" + i));
            }
            producer.flush();
        }

        List<ConsumerRecord<String, String>> records =
                consume(broker.bootstrapServers(), "plain", 3, "read_uncommitted", 300);

        assertThat(records).hasSize(300);
        assertThat(records)
                .allSatisfy(record ->
                        assertThat(record.value()).isEqualTo(record.key().replace("key-", "value-")));
        assertThat(records).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
    }

    @Test
    void transactionalProducerCommitsAndAbortsOnOneNode(EmbeddedKafkaBroker broker) throws Exception {
        createTopic(broker.bootstrapServers(), "transactional", 2);
        try (KafkaProducer<String, String> producer =
                producer(broker.bootstrapServers(), Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "broker-it"))) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("transactional", "k" + i, "committed"));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactional", "k", "aborted"));
            producer.flush();
            producer.abortTransaction();
        }

        List<ConsumerRecord<String, String>> committed =
                consume(broker.bootstrapServers(), "transactional", 2, "read_committed", 10);

        assertThat(committed).hasSize(10).extracting(ConsumerRecord::value).containsOnly("committed");
    }

    @Test
    void restartsOnItsLogDirectoryWithItsTopicsAndRecords(EmbeddedServers servers) throws Exception {
        Path directory = servers.newDirectory("restarted-broker");
        EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(directory);
        try {
            createTopic(first.bootstrapServers(), "kept", 1);
            try (KafkaProducer<String, String> producer = producer(first.bootstrapServers(), Map.of())) {
                producer.send(new ProducerRecord<>("kept", "k", "before the restart"))
                        .get();
            }
        } finally {
            first.close();
            // closing twice is harmless
            first.close();
        }

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(directory)) {
            List<ConsumerRecord<String, String>> records =
                    consume(broker.bootstrapServers(), "kept", 1, "read_committed", 1);
            assertThat(records).extracting(ConsumerRecord::value).containsExactly("before the restart");
        }
    }
}
