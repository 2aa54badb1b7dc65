package dev.floe.deploy.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema store topic: created compacted with one partition if missing, and refused if it
 * exists in a shape that would lose schemas (deleted by retention) or reorder them (partitions).
 */
final class SchemaTopic {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaTopic.class);

    private static final Duration METADATA_WAIT = Duration.ofMillis(100);

    private SchemaTopic() {}

    private static int partitions(Optional<TopicDescription> description) {
        return description.map(found -> found.partitions().size()).orElse(0);
    }

    static void ensure(Admin admin, String topic, Duration timeout) {
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            Optional<TopicDescription> existing = describe(admin, topic, timeout);
            if (existing.isEmpty()) {
                create(admin, topic, timeout);
                existing = describe(admin, topic, timeout);
            }
            int partitions = partitions(existing);
            // a topic just created (by us or by another registry at the same moment) can be
            // described before its partition has reached the broker's metadata: wait for it
            while (partitions == 0 && System.nanoTime() < deadline) {
                Thread.sleep(METADATA_WAIT.toMillis());
                partitions = partitions(describe(admin, topic, timeout));
            }
            if (partitions != 1) {
                throw new IllegalStateException("Cannot use topic " + topic + " as the schema store: it has "
                        + partitions + " partitions, the store needs exactly 1 to keep its records in order");
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource))
                    .all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(resource);
            String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)
                    || policy.contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
                throw new IllegalStateException("Cannot use topic " + topic
                        + " as the schema store: its cleanup.policy is '" + policy
                        + "', it must be 'compact' or schemas are deleted when retention expires");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while preparing the schema store topic " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException(
                    "Cannot prepare the schema store topic " + topic + ": " + cause.getMessage(), cause);
        }
    }

    private static Optional<TopicDescription> describe(Admin admin, String topic, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return Optional.of(admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static void create(Admin admin, String topic, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try {
            admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Created the compacted schema store topic {}", topic);
        } catch (ExecutionException e) {
            // another registry created it first: the shape check that follows decides
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }
}
