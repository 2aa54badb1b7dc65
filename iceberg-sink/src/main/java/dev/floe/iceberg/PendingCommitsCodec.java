package dev.floe.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The sink's part of a checkpoint: its pending commits, as JSON. Version 1:
 *
 * <pre>
 * {"version":1,"table":"demo.orders","tableUuid":"...","pending":[{"checkpointId":7,"offsets":{"orders":{"0":12}},
 *   "tableUuid":"...","files":2,"records":1000,"bytes":45678,"manifests":["&lt;base64&gt;"]}]}
 * </pre>
 */
final class PendingCommitsCodec {
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private PendingCommitsCodec() {}

    /**
     * What a stored checkpoint says of the sink.
     *
     * @param tableUuid the table's uuid when the checkpoint was taken, or null before it existed
     * @param pending the commits not yet made
     */
    record State(String tableUuid, List<PendingCommit> pending) {
        State {
            pending = List.copyOf(pending);
        }
    }

    static byte[] encode(String table, String tableUuid, List<PendingCommit> pending) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("table", table);
        if (tableUuid != null) {
            root.put("tableUuid", tableUuid);
        }
        ArrayNode array = root.putArray("pending");
        for (PendingCommit commit : pending) {
            ObjectNode node = array.addObject();
            node.put("checkpointId", commit.checkpointId());
            node.set("offsets", OffsetsJson.node(commit.offsets()));
            node.put("tableUuid", commit.tableUuid());
            node.put("files", commit.files());
            node.put("records", commit.records());
            node.put("bytes", commit.bytes());
            ArrayNode manifests = node.putArray("manifests");
            for (PendingCommit.EncodedManifest manifest : commit.manifests()) {
                manifests.add(Base64.getEncoder().encodeToString(manifest.bytes()));
            }
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode the pending commits of table " + table, e);
        }
    }

    /**
     * Reads what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static State decode(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("pending commits are not JSON: " + e.getMessage(), e);
        }
        int version = root.path("version").asInt(-1);
        if (version != VERSION) {
            throw new IllegalArgumentException(
                    "pending commits of version " + version + " are not a version this Floe reads (" + VERSION + ")");
        }
        List<PendingCommit> pending = new ArrayList<>();
        for (JsonNode node : root.path("pending")) {
            List<PendingCommit.EncodedManifest> manifests = new ArrayList<>();
            for (JsonNode manifest : node.path("manifests")) {
                manifests.add(
                        new PendingCommit.EncodedManifest(Base64.getDecoder().decode(manifest.asText())));
            }
            pending.add(new PendingCommit(
                    node.path("checkpointId").asLong(),
                    OffsetsJson.read(node.path("offsets")),
                    node.path("tableUuid").asText(),
                    manifests,
                    node.path("files").asInt(),
                    node.path("records").asLong(),
                    node.path("bytes").asLong()));
        }
        return new State(root.hasNonNull("tableUuid") ? root.get("tableUuid").asText() : null, pending);
    }
}
