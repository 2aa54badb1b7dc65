package dev.floe.engine.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.engine.dataflow.KeyGroupRange;
import dev.floe.engine.dataflow.KeyGroups;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import dev.floe.engine.state.KeyedStateHandle;
import dev.floe.engine.state.StateFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of checkpoint metadata. Version 1:
 *
 * <pre>
 * {"version":1,"pipeline":"orders","checkpointId":7,"timestamp":"2026-11-22T10:15:30Z",
 *  "offsets":[{"topic":"orders","partition":0,"offset":1234}],
 *  "startOffsets":[...],
 *  "sink":"&lt;base64&gt;",
 *  "deadLetters":[{"checkpointId":7,"path":"chk-7/dead-letters","count":3}],
 *  "maxParallelism":128,
 *  "keyedState":[{"backend":"heap","path":"chk-7/state/...","firstKeyGroup":0,"endKeyGroup":64,"bytes":1234},
 *    {"backend":"rocksdb","path":"chk-7/state/orders-1","firstKeyGroup":64,"endKeyGroup":128,"bytes":5678,
 *     "sharedFiles":[{"name":"000012.sst","path":"shared/orders-1/...-000012.sst","bytes":5000}],
 *     "privateFiles":[{"name":"MANIFEST-000005","path":"chk-7/state/orders-1/MANIFEST-000005","bytes":678}]}]}
 * </pre>
 *
 * {@code maxParallelism} and {@code keyedState} were added within version 1 and may be absent
 * (128 and none), as may a state's {@code sharedFiles} and {@code privateFiles} (none). A reader
 * refuses versions newer than it knows, naming both.
 */
public final class CheckpointMetadataCodec {
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointMetadataCodec() {}

    public static byte[] encode(StoredCheckpoint checkpoint) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("pipeline", checkpoint.pipelineId());
        root.put("checkpointId", checkpoint.checkpointId());
        root.put("timestamp", checkpoint.timestamp().toString());
        writeOffsets(root.putArray("offsets"), checkpoint.offsets());
        writeOffsets(root.putArray("startOffsets"), checkpoint.startOffsets());
        root.put(
                "sink",
                Base64.getEncoder().encodeToString(checkpoint.sinkState().bytes()));
        ArrayNode letters = root.putArray("deadLetters");
        for (StoredCheckpoint.DeadLetterBatch batch : checkpoint.deadLetters()) {
            letters.addObject()
                    .put("checkpointId", batch.checkpointId())
                    .put("path", batch.path())
                    .put("count", batch.count());
        }
        root.put("maxParallelism", checkpoint.maxParallelism());
        ArrayNode states = root.putArray("keyedState");
        for (KeyedStateHandle handle : checkpoint.keyedState()) {
            ObjectNode state = states.addObject()
                    .put("backend", handle.backend())
                    .put("path", handle.path())
                    .put("firstKeyGroup", handle.keyGroups().start())
                    .put("endKeyGroup", handle.keyGroups().end())
                    .put("bytes", handle.bytes());
            // written only when there are any, so that a heap handle reads exactly as before
            writeFiles(state, "sharedFiles", handle.sharedFiles());
            writeFiles(state, "privateFiles", handle.privateFiles());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode checkpoint " + checkpoint.checkpointId(), e);
        }
    }

    /**
     * Reads checkpoint metadata.
     *
     * @throws IllegalArgumentException saying what is wrong when it is not metadata of a known
     *     version
     */
    public static StoredCheckpoint decode(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("checkpoint metadata is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("checkpoint metadata is not a JSON object");
        }
        int version = root.path("version").asInt(-1);
        if (version != VERSION) {
            throw new IllegalArgumentException(
                    "checkpoint metadata version " + version + " is not one this Floe reads (" + VERSION + ")");
        }
        List<StoredCheckpoint.DeadLetterBatch> letters = new ArrayList<>();
        for (JsonNode batch : root.path("deadLetters")) {
            letters.add(new StoredCheckpoint.DeadLetterBatch(
                    batch.path("checkpointId").asLong(),
                    required(batch, "path").asText(),
                    batch.path("count").asInt()));
        }
        List<KeyedStateHandle> states = new ArrayList<>();
        for (JsonNode state : root.path("keyedState")) {
            states.add(new KeyedStateHandle(
                    required(state, "backend").asText(),
                    required(state, "path").asText(),
                    new KeyGroupRange(
                            required(state, "firstKeyGroup").asInt(),
                            required(state, "endKeyGroup").asInt()),
                    state.path("bytes").asLong(),
                    readFiles(state.path("sharedFiles")),
                    readFiles(state.path("privateFiles"))));
        }
        return new StoredCheckpoint(
                required(root, "pipeline").asText(),
                required(root, "checkpointId").asLong(),
                Instant.parse(required(root, "timestamp").asText()),
                readOffsets(required(root, "offsets")),
                readOffsets(required(root, "startOffsets")),
                new StoredCheckpoint.SinkState(
                        Base64.getDecoder().decode(required(root, "sink").asText())),
                letters,
                root.path("maxParallelism").asInt(KeyGroups.DEFAULT_MAX_PARALLELISM),
                states);
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("checkpoint metadata lacks '" + field + "'");
        }
        return value;
    }

    private static void writeFiles(ObjectNode state, String field, List<StateFile> files) {
        if (files.isEmpty()) {
            return;
        }
        ArrayNode array = state.putArray(field);
        for (StateFile file : files) {
            array.addObject().put("name", file.name()).put("path", file.path()).put("bytes", file.bytes());
        }
    }

    private static List<StateFile> readFiles(JsonNode array) {
        List<StateFile> files = new ArrayList<>();
        for (JsonNode file : array) {
            try {
                files.add(new StateFile(
                        required(file, "name").asText(),
                        required(file, "path").asText(),
                        file.path("bytes").asLong()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid state file " + file + ": " + e.getMessage(), e);
            }
        }
        return files;
    }

    private static void writeOffsets(ArrayNode array, SourceOffsets offsets) {
        offsets.asMap()
                .forEach((partition, offset) -> array.addObject()
                        .put("topic", partition.topic())
                        .put("partition", partition.partition())
                        .put("offset", offset));
    }

    private static SourceOffsets readOffsets(JsonNode array) {
        Map<SourcePartition, Long> offsets = new LinkedHashMap<>();
        for (JsonNode entry : array) {
            offsets.put(
                    new SourcePartition(
                            required(entry, "topic").asText(),
                            required(entry, "partition").asInt()),
                    required(entry, "offset").asLong());
        }
        return SourceOffsets.of(offsets);
    }
}
