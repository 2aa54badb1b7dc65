package dev.floe.engine.config;

import java.util.List;
import java.util.Objects;

/**
 * The topics a pipeline reads.
 *
 * @param topics the topics
 * @param startFrom where to start with no checkpoint and nothing committed
 * @param groupId the consumer group whose offsets report lag
 */
public record SourceConfig(List<String> topics, EngineOptions.StartPosition startFrom, String groupId) {
    public SourceConfig {
        topics = List.copyOf(topics);
        Objects.requireNonNull(startFrom, "startFrom");
        Objects.requireNonNull(groupId, "groupId");
    }
}
