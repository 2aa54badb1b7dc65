package dev.floe.engine.source;

import dev.floe.engine.EngineErrorCode;
import dev.floe.engine.config.SourceConfig;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.sink.SourcePartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Lists the partitions of a pipeline's topics and deals them out to subtasks. */
public final class PartitionDiscovery implements AutoCloseable {
    private final Admin admin;
    private final Duration timeout;

    public PartitionDiscovery(Map<String, String> properties, Duration timeout) {
        Properties config = new Properties();
        config.putAll(properties);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(timeout.toMillis(), 30_000)));
        this.admin = Admin.create(config);
        this.timeout = timeout;
    }

    /**
     * Every partition of the topics a source reads: its topics, or those matching its pattern
     * (internal topics excluded), sorted by topic and partition. A pattern matching nothing yet
     * gives no partitions.
     */
    public List<SourcePartition> partitions(SourceConfig source) {
        if (source.topicPattern() == null) {
            return partitions(source.topics());
        }
        Set<String> names;
        try {
            names = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw KafkaErrors.classify("list topics", e.getCause());
        } catch (TimeoutException e) {
            throw new RetriableException(EngineErrorCode.KAFKA_FAILED, "Cannot list topics: Kafka did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException(EngineErrorCode.KAFKA_FAILED, "Interrupted listing topics", e);
        }
        List<String> matching = new ArrayList<>();
        for (String name : names) {
            if (source.topicPattern().matcher(name).matches()) {
                matching.add(name);
            }
        }
        return matching.isEmpty() ? new ArrayList<>() : partitions(matching);
    }

    /**
     * Every partition of {@code topics}, sorted by topic and partition.
     *
     * @throws RetriableException when Kafka does not answer or a topic does not exist (yet)
     */
    public List<SourcePartition> partitions(Collection<String> topics) {
        Map<String, TopicDescription> descriptions;
        try {
            descriptions = admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new RetriableException(
                        EngineErrorCode.KAFKA_FAILED,
                        "Cannot read topics " + topics + ": " + e.getCause().getMessage(),
                        e.getCause());
            }
            throw KafkaErrors.classify("describe topics " + topics, e.getCause());
        } catch (TimeoutException e) {
            throw new RetriableException(
                    EngineErrorCode.KAFKA_FAILED,
                    "Cannot describe topics " + topics + ": Kafka did not answer in " + timeout,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException(EngineErrorCode.KAFKA_FAILED, "Interrupted while describing " + topics, e);
        }
        List<SourcePartition> partitions = new ArrayList<>();
        descriptions.forEach((topic, description) ->
                description.partitions().forEach(info -> partitions.add(new SourcePartition(topic, info.partition()))));
        partitions.sort(null);
        return partitions;
    }

    /** The partitions of subtask {@code subtask} of {@code parallelism}: every parallelism-th one. */
    public static List<SourcePartition> assign(List<SourcePartition> partitions, int subtask, int parallelism) {
        List<SourcePartition> mine = new ArrayList<>();
        for (int i = subtask; i < partitions.size(); i += parallelism) {
            mine.add(partitions.get(i));
        }
        return mine;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
