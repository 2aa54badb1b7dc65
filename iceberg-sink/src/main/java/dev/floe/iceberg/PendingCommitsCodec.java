package dev.floe.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sink's part of a checkpoint: its pending commits per table, as JSON. Version 3 (written)
 * is version 2 where an upsert table's commit also has {@code "deleteManifests":["&lt;base64&gt;"]},
 * its delete manifests. Version 2 (read):
 *
 * <pre>
 * {"version":2,"tables":[{"table":"demo.orders","tableUuid":"...","pending":[{"checkpointId":7,
 *   "startOffsets":{"orders":{"0":10}},"offsets":{"orders":{"0":12}},"tableUuid":"...","files":2,
 *   "records":1000,"bytes":45678,"manifests":["&lt;base64&gt;"],"lineage":{"orders":{"0":[2,10,11]}}}]}]}
 * </pre>
 *
 * Version 1 (read): one table, {@code {"version":1,"table":...,"tableUuid":...,"pending":[...]}},
 * its commits without start offsets and lineage.
 */
final class PendingCommitsCodec {
    static final int VERSION = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private PendingCommitsCodec() {}

    /**
     * What a stored checkpoint says of one table.
     *
     * @param tableUuid the table's uuid when the checkpoint was taken, or null before it existed
     * @param pending the commits not yet made, oldest first
     */
    record TableState(String tableUuid, List<PendingCommit> pending) {
        TableState {
            pending = List.copyOf(pending);
        }
    }

    static byte[] encode(Map<String, TableState> tables) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        ArrayNode array = root.putArray("tables");
        tables.forEach((name, state) -> {
            ObjectNode table = array.addObject();
            table.put("table", name);
            if (state.tableUuid() != null) {
                table.put("tableUuid", state.tableUuid());
            }
            ArrayNode pending = table.putArray("pending");
            for (PendingCommit commit : state.pending()) {
                ObjectNode node = pending.addObject();
                node.put("checkpointId", commit.checkpointId());
                node.set("startOffsets", OffsetsJson.node(commit.startOffsets()));
                node.set("offsets", OffsetsJson.node(commit.offsets()));
                node.put("tableUuid", commit.tableUuid());
                node.put("files", commit.files());
                node.put("records", commit.records());
                node.put("bytes", commit.bytes());
                ArrayNode manifests = node.putArray("manifests");
                for (PendingCommit.EncodedManifest manifest : commit.manifests()) {
                    manifests.add(Base64.getEncoder().encodeToString(manifest.bytes()));
                }
                node.set("lineage", lineage(commit.lineage()));
                if (!commit.deleteManifests().isEmpty()) {
                    ArrayNode deletes = node.putArray("deleteManifests");
                    for (PendingCommit.EncodedManifest manifest : commit.deleteManifests()) {
                        deletes.add(Base64.getEncoder().encodeToString(manifest.bytes()));
                    }
                }
            }
        });
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode the pending commits of tables " + tables.keySet(), e);
        }
    }

    static ObjectNode lineage(Map<SourcePartition, OffsetLineage.Range> lineage) {
        ObjectNode root = JSON.createObjectNode();
        lineage.forEach((partition, range) -> {
            ObjectNode topic = root.has(partition.topic())
                    ? (ObjectNode) root.get(partition.topic())
                    : root.putObject(partition.topic());
            topic.putArray(Integer.toString(partition.partition()))
                    .add(range.rows())
                    .add(range.first())
                    .add(range.last());
        });
        return root;
    }

    private static Map<SourcePartition, OffsetLineage.Range> lineage(JsonNode root) {
        Map<SourcePartition, OffsetLineage.Range> lineage = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> topics = root.fields(); topics.hasNext(); ) {
            Map.Entry<String, JsonNode> topic = topics.next();
            for (Iterator<Map.Entry<String, JsonNode>> partitions =
                            topic.getValue().fields();
                    partitions.hasNext(); ) {
                Map.Entry<String, JsonNode> partition = partitions.next();
                JsonNode range = partition.getValue();
                lineage.put(
                        new SourcePartition(topic.getKey(), Integer.parseInt(partition.getKey())),
                        new OffsetLineage.Range(
                                range.get(0).asLong(),
                                range.get(1).asLong(),
                                range.get(2).asLong()));
            }
        }
        return lineage;
    }

    /**
     * Reads what {@link #encode} wrote, or version 1.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static Map<String, TableState> decode(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("pending commits are not JSON: " + e.getMessage(), e);
        }
        int version = root.path("version").asInt(-1);
        Map<String, TableState> tables = new LinkedHashMap<>();
        if (version == 1) {
            tables.put(root.path("table").asText(), table(root));
        } else if (version == 2 || version == VERSION) {
            for (JsonNode table : root.path("tables")) {
                tables.put(table.path("table").asText(), table(table));
            }
        } else {
            throw new IllegalArgumentException("pending commits of version " + version
                    + " are not a version this Floe reads (1 to " + VERSION + ")");
        }
        return tables;
    }

    private static List<PendingCommit.EncodedManifest> manifests(JsonNode array) {
        List<PendingCommit.EncodedManifest> manifests = new ArrayList<>();
        for (JsonNode manifest : array) {
            manifests.add(new PendingCommit.EncodedManifest(Base64.getDecoder().decode(manifest.asText())));
        }
        return manifests;
    }

    private static TableState table(JsonNode table) {
        List<PendingCommit> pending = new ArrayList<>();
        for (JsonNode node : table.path("pending")) {
            List<PendingCommit.EncodedManifest> manifests = manifests(node.path("manifests"));
            pending.add(new PendingCommit(
                    node.path("checkpointId").asLong(),
                    node.has("startOffsets") ? OffsetsJson.read(node.get("startOffsets")) : SourceOffsets.empty(),
                    OffsetsJson.read(node.path("offsets")),
                    node.path("tableUuid").asText(),
                    manifests,
                    node.path("files").asInt(),
                    node.path("records").asLong(),
                    node.path("bytes").asLong(),
                    node.has("lineage") ? lineage(node.get("lineage")) : Map.of(),
                    manifests(node.path("deleteManifests"))));
        }
        return new TableState(
                table.hasNonNull("tableUuid") ? table.get("tableUuid").asText() : null, pending);
    }
}
