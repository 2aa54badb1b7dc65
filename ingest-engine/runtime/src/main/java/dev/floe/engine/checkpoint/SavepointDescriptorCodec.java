package dev.floe.engine.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The JSON form of a {@link SavepointDescriptor}, the file {@code _savepoint} of a savepoint.
 * Version 1:
 *
 * <pre>
 * {"version":1,"pipeline":"orders","checkpointId":7,"takenAt":"2026-11-22T10:15:30Z",
 *  "keyedStage":"deduplicate by [order_id]","maxParallelism":128,"parallelism":4}
 * </pre>
 *
 * A reader refuses versions newer than it knows, naming both.
 */
public final class SavepointDescriptorCodec {
    public static final int VERSION = 1;
    /** The descriptor's file name in a savepoint. */
    public static final String FILE = "_savepoint";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SavepointDescriptorCodec() {}

    public static byte[] encode(SavepointDescriptor descriptor) {
        ObjectNode root = JSON.createObjectNode()
                .put("version", VERSION)
                .put("pipeline", descriptor.pipelineId())
                .put("checkpointId", descriptor.checkpointId())
                .put("takenAt", descriptor.takenAt().toString())
                .put("keyedStage", descriptor.keyedStage())
                .put("maxParallelism", descriptor.maxParallelism())
                .put("parallelism", descriptor.parallelism());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode the descriptor of savepoint " + descriptor, e);
        }
    }

    /**
     * Reads a descriptor.
     *
     * @throws IllegalArgumentException saying what is wrong when it is not a descriptor of a known
     *     version
     */
    public static SavepointDescriptor decode(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("savepoint descriptor is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("savepoint descriptor is not a JSON object");
        }
        int version = root.path("version").asInt(-1);
        if (version != VERSION) {
            throw new IllegalArgumentException(
                    "savepoint descriptor version " + version + " is not one this Floe reads (" + VERSION + ")");
        }
        try {
            return new SavepointDescriptor(
                    required(root, "pipeline").asText(),
                    required(root, "checkpointId").asLong(),
                    Instant.parse(required(root, "takenAt").asText()),
                    required(root, "keyedStage").asText(),
                    required(root, "maxParallelism").asInt(),
                    required(root, "parallelism").asInt());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("savepoint descriptor has an invalid 'takenAt': " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("savepoint descriptor lacks '" + field + "'");
        }
        return value;
    }
}
