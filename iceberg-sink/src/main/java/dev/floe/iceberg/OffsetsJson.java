package dev.floe.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.engine.spi.sink.SourcePartition;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Offsets as the snapshot summary keeps them, {@code {"orders":{"0":1234,"1":5678}}}: topic, then
 * partition, then the next offset.
 */
public final class OffsetsJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OffsetsJson() {}

    public static String write(SourceOffsets offsets) {
        return node(offsets).toString();
    }

    static ObjectNode node(SourceOffsets offsets) {
        ObjectNode root = JSON.createObjectNode();
        offsets.asMap().forEach((partition, offset) -> {
            ObjectNode topic = root.has(partition.topic())
                    ? (ObjectNode) root.get(partition.topic())
                    : root.putObject(partition.topic());
            topic.put(Integer.toString(partition.partition()), offset);
        });
        return root;
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @throws IllegalArgumentException when the text is not offsets
     */
    public static SourceOffsets read(String text) {
        try {
            return read(JSON.readTree(text));
        } catch (IOException e) {
            throw new IllegalArgumentException("offsets are not JSON: " + e.getMessage(), e);
        }
    }

    static SourceOffsets read(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("offsets are not a JSON object");
        }
        Map<SourcePartition, Long> offsets = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> topics = root.fields(); topics.hasNext(); ) {
            Map.Entry<String, JsonNode> topic = topics.next();
            for (Iterator<Map.Entry<String, JsonNode>> partitions =
                            topic.getValue().fields();
                    partitions.hasNext(); ) {
                Map.Entry<String, JsonNode> partition = partitions.next();
                offsets.put(
                        new SourcePartition(topic.getKey(), Integer.parseInt(partition.getKey())),
                        partition.getValue().asLong());
            }
        }
        return SourceOffsets.of(offsets);
    }
}
