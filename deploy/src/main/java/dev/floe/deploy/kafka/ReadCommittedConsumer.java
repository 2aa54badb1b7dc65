package dev.floe.deploy.kafka;

import dev.floe.engine.config.KafkaConfig;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The consumer Floe's commands read Kafka's offsets and records with: the config's connection and
 * consumer settings, read committed, in no group (it commits nothing), every call bounded by a
 * timeout.
 */
public final class ReadCommittedConsumer {
    private ReadCommittedConsumer() {}

    public static KafkaConsumer<byte[], byte[]> open(KafkaConfig config, Duration timeout, String clientId) {
        Properties properties = new Properties();
        properties.putAll(config.properties());
        properties.putAll(config.consumer());
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        properties.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
