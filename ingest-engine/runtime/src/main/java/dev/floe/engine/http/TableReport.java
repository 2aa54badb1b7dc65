package dev.floe.engine.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.engine.spi.service.CompactionRun;
import dev.floe.engine.spi.service.FileSizeDistribution;
import java.time.Instant;
import java.util.List;

/** The JSON of the compactor's tables: their runs and the sizes of their data files (docs/operations.md). */
final class TableReport {
    private final ObjectMapper json;

    TableReport(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode run(CompactionRun run) {
        ObjectNode node = json.createObjectNode()
                .put("table", run.table())
                .put("startedAt", Instant.ofEpochMilli(run.startedAtMillis()).toString())
                .put("trigger", run.trigger())
                .put("outcome", run.outcome().name())
                .put("snapshotId", run.snapshotId())
                .put("filesBefore", run.filesBefore())
                .put("filesAfter", run.filesAfter())
                .put("rewrittenFiles", run.rewrittenFiles())
                .put("addedFiles", run.addedFiles())
                .put("rewrittenBytes", run.rewrittenBytes())
                .put("addedBytes", run.addedBytes())
                .put("durationMillis", run.durationMillis());
        if (!run.failure().isEmpty()) {
            node.put("failure", run.failure());
        }
        ArrayNode groups = node.putArray("groups");
        for (CompactionRun.Group group : run.groups()) {
            ObjectNode item = groups.addObject()
                    .put("partition", group.partition())
                    .put("inputFiles", group.inputFiles())
                    .put("inputBytes", group.inputBytes())
                    .put("outputFiles", group.outputFiles())
                    .put("outputBytes", group.outputBytes());
            if (!group.failure().isEmpty()) {
                item.put("failure", group.failure());
            }
        }
        return node;
    }

    ArrayNode runs(List<CompactionRun> runs) {
        ArrayNode array = json.createArrayNode();
        runs.forEach(run -> array.add(run(run)));
        return array;
    }

    /** Buckets as {@code {le, files}}, the last one's {@code le} being {@code "+Inf"}. */
    ObjectNode fileSizes(FileSizeDistribution distribution) {
        ObjectNode node = json.createObjectNode()
                .put("snapshotId", distribution.snapshotId())
                .put("files", distribution.files())
                .put("bytes", distribution.bytes());
        ArrayNode buckets = node.putArray("buckets");
        for (int i = 0; i < distribution.counts().size(); i++) {
            ObjectNode bucket = buckets.addObject();
            if (i < distribution.upperBounds().size()) {
                bucket.put("le", distribution.upperBounds().get(i));
            } else {
                bucket.put("le", "+Inf");
            }
            bucket.put("files", distribution.counts().get(i));
        }
        return node;
    }
}
