package dev.floe.engine.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.metrics.CheckpointHistory;
import dev.floe.engine.metrics.DeadLetterStats;
import dev.floe.engine.metrics.PipelineMetrics;
import dev.floe.engine.metrics.SubtaskMetrics;
import dev.floe.engine.metrics.TableCommits;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.pipeline.PipelineSupervisor;
import dev.floe.engine.spi.sink.SourcePartition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON the API answers with: what each pipeline is doing, built from its supervisor and its
 * metrics at request time. docs/operations.md documents the shapes.
 */
final class StatusReport {
    private final FloeRuntime runtime;
    private final Clock clock;
    private final ObjectMapper json;

    StatusReport(FloeRuntime runtime, Clock clock, ObjectMapper json) {
        this.runtime = runtime;
        this.clock = clock;
        this.json = json;
    }

    ArrayNode pipelines() {
        ArrayNode pipelines = json.createArrayNode();
        for (PipelineSupervisor supervisor : runtime.supervisors()) {
            pipelines.add(pipeline(supervisor));
        }
        return pipelines;
    }

    /** Why the process is not ready, or an empty list when it is. */
    List<String> notReadyReasons() {
        List<String> reasons = new ArrayList<>();
        for (PipelineSupervisor supervisor : runtime.supervisors()) {
            Pipeline pipeline = supervisor.current();
            Pipeline.State state = pipeline == null ? Pipeline.State.CREATED : pipeline.state();
            if (state != Pipeline.State.RUNNING) {
                Throwable cause = pipeline == null ? null : pipeline.failureCause();
                reasons.add("pipeline " + supervisor.id() + " is " + state
                        + (cause == null ? "" : ": " + cause.getMessage()));
                continue;
            }
            String commitProblem = runtime.metrics().pipeline(supervisor.id()).commitProblem();
            if (commitProblem != null) {
                reasons.add("pipeline " + supervisor.id() + " cannot commit: " + commitProblem);
            }
        }
        return reasons;
    }

    ObjectNode pipeline(PipelineSupervisor supervisor) {
        Pipeline pipeline = supervisor.current();
        PipelineMetrics metrics = runtime.metrics().pipeline(supervisor.id());
        ObjectNode node = json.createObjectNode();
        node.put("id", supervisor.id());
        node.put(
                "state",
                pipeline == null
                        ? Pipeline.State.CREATED.name()
                        : pipeline.state().name());
        node.put("held", supervisor.held());
        node.put("sourcesHeld", pipeline != null && pipeline.sourcesHeld());
        node.put("restarts", supervisor.restarts());
        Throwable cause = pipeline == null ? null : pipeline.failureCause();
        node.put("failure", cause == null ? null : cause.getMessage());
        if (pipeline != null) {
            node.put("source", pipeline.definition().source().describe());
            node.put("sink", pipeline.definition().sink().describe());
            node.put("parallelism", pipeline.definition().parallelism());
            node.put("keyed", pipeline.definition().isKeyed());
        }
        node.set("operators", operators(metrics));
        node.set("lag", lag(metrics));
        ObjectNode backpressure = node.putObject("backpressure");
        backpressure.put(
                "waitedMillis", pipeline == null ? 0 : pipeline.backpressure().toMillis());
        backpressure.put("queued", pipeline == null ? 0 : pipeline.exchangeQueued());
        backpressure.put("capacity", pipeline == null ? 0 : pipeline.exchangeCapacity());
        node.set("checkpoints", checkpoints(metrics));
        node.set("tables", tables(metrics));
        node.set("deadLetters", deadLetters(metrics.deadLetters()));
        return node;
    }

    private ArrayNode operators(PipelineMetrics metrics) {
        ArrayNode operators = json.createArrayNode();
        long now = clock.millis();
        for (SubtaskMetrics source : metrics.sources()) {
            ObjectNode node = operators.addObject();
            node.put("operator", "source");
            node.put("subtask", source.subtask());
            node.put("recordsIn", source.recordsIn().get());
            node.put("bytesIn", source.bytesIn().get());
            node.put("recordsOut", source.recordsOut().get());
            long watermark = source.watermark();
            node.put(
                    "watermark",
                    watermark == Long.MIN_VALUE
                            ? null
                            : Instant.ofEpochMilli(watermark).toString());
            if (watermark == Long.MIN_VALUE) {
                node.putNull("watermarkDelayMillis");
            } else {
                node.put("watermarkDelayMillis", now - watermark);
            }
        }
        for (SubtaskMetrics keyed : metrics.keyed()) {
            ObjectNode node = operators.addObject();
            node.put("operator", "keyed");
            node.put("subtask", keyed.subtask());
            node.put("recordsOut", keyed.recordsOut().get());
        }
        return operators;
    }

    private ArrayNode lag(PipelineMetrics metrics) {
        Map<SourcePartition, Long> lag = new TreeMap<>((a, b) -> a.topic().equals(b.topic())
                ? Integer.compare(a.partition(), b.partition())
                : a.topic().compareTo(b.topic()));
        for (SubtaskMetrics source : metrics.sources()) {
            lag.putAll(source.lag());
        }
        ArrayNode partitions = json.createArrayNode();
        lag.forEach((partition, records) -> {
            ObjectNode node = partitions.addObject();
            node.put("topic", partition.topic());
            node.put("partition", partition.partition());
            node.put("lag", records);
        });
        return partitions;
    }

    private ObjectNode checkpoints(PipelineMetrics metrics) {
        ObjectNode node = json.createObjectNode();
        List<CheckpointHistory.Entry> entries = metrics.checkpoints().entries();
        node.put("lastCommitted", metrics.lastCommitted());
        node.put("completed", metrics.checkpointsCompleted());
        node.put("failed", metrics.checkpointsFailed());
        ArrayNode history = node.putArray("history");
        for (CheckpointHistory.Entry entry : entries) {
            ObjectNode item = history.addObject();
            item.put("id", entry.id());
            item.put("triggeredAt", entry.triggeredAt().toString());
            item.put("durationMillis", entry.duration().toMillis());
            item.put("records", entry.records());
            item.put("bytes", entry.bytes());
            item.put("deadLetters", entry.deadLetters());
            item.put("status", entry.status().name());
            item.put("failure", entry.failure());
        }
        return node;
    }

    private ArrayNode tables(PipelineMetrics metrics) {
        ArrayNode tables = json.createArrayNode();
        for (TableCommits table : metrics.tables()) {
            ObjectNode node = tables.addObject();
            node.put("table", table.table());
            node.put("commits", table.commits());
            node.put("failures", table.failures());
            node.put("records", table.records());
            node.put("files", table.files());
            node.put("bytes", table.bytes());
            node.put("lastCheckpointId", table.lastCheckpointId());
            node.put(
                    "lastCommitAt",
                    table.lastCommitAt() == null ? null : table.lastCommitAt().toString());
            Duration duration = table.lastDuration();
            if (duration == null) {
                node.putNull("lastDurationMillis");
            } else {
                node.put("lastDurationMillis", duration.toMillis());
            }
            node.put("lastFailure", table.lastFailure());
        }
        return tables;
    }

    private ObjectNode deadLetters(DeadLetterStats stats) {
        ObjectNode node = json.createObjectNode();
        node.put("total", stats.total());
        ObjectNode byCode = node.putObject("byCode");
        stats.byCode().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(entry -> byCode.put(entry.getKey(), entry.getValue()));
        ArrayNode latest = node.putArray("latest");
        for (DeadLetterStats.Rejection rejection : stats.latest()) {
            ObjectNode item = latest.addObject();
            item.put("at", rejection.at().toString());
            item.put("code", rejection.code());
            item.put("reason", rejection.reason());
            item.put("location", rejection.location());
        }
        return node;
    }
}
