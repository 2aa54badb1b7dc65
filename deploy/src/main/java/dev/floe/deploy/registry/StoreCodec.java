package dev.floe.deploy.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.registry.SchemaReference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of the schema store's keys and values, version {@value #FORMAT}.
 *
 * <p>Keys: {@code {"keytype":"SCHEMA","subject":"s","version":1,"format":1}} and {@code
 * {"keytype":"CONFIG","subject":"s","format":1}} (no subject: the global setting). Their bytes are
 * deterministic, as compaction requires. Values carry the same {@code format}; a reader refuses a
 * newer format rather than guess, because skipping a record could hand out an id twice.
 */
final class StoreCodec {
    /** The newest format this code writes and reads. Bump it with every incompatible change. */
    static final int FORMAT = 1;

    private static final String SCHEMA = "SCHEMA";
    private static final String CONFIG = "CONFIG";

    private final ObjectMapper json = new ObjectMapper();

    byte[] encodeKey(StoreKey key) {
        ObjectNode node = json.createObjectNode();
        if (key instanceof StoreKey.Schema) {
            StoreKey.Schema schema = (StoreKey.Schema) key;
            node.put("keytype", SCHEMA).put("subject", schema.subject()).put("version", schema.version());
        } else {
            StoreKey.Config config = (StoreKey.Config) key;
            node.put("keytype", CONFIG);
            if (config.subject() != null) {
                node.put("subject", config.subject());
            }
        }
        node.put("format", FORMAT);
        return bytes(node);
    }

    byte[] encodeValue(StoreValue value) {
        ObjectNode node = json.createObjectNode().put("format", FORMAT);
        if (value instanceof StoreValue.Schema) {
            StoreValue.Schema schema = (StoreValue.Schema) value;
            node.put("subject", schema.subject())
                    .put("version", schema.version())
                    .put("id", schema.id())
                    .put("schemaType", schema.content().schemaType())
                    .put("schema", schema.content().schema());
            ArrayNode references = node.putArray("references");
            for (SchemaReference reference : schema.content().references()) {
                references
                        .addObject()
                        .put("name", reference.name())
                        .put("subject", reference.subject())
                        .put("version", reference.version());
            }
            node.put("deleted", schema.deleted());
        } else {
            node.put(
                    "compatibilityLevel",
                    ((StoreValue.Config) value).compatibility().name());
        }
        return bytes(node);
    }

    /** @throws IllegalArgumentException when the bytes are not a key of a format this code reads */
    StoreKey decodeKey(byte[] bytes) {
        JsonNode node = parse(bytes, "key");
        checkFormat(node, "key");
        String type = node.path("keytype").asText();
        if (SCHEMA.equals(type)) {
            return new StoreKey.Schema(text(node, "subject"), number(node, "version"));
        }
        if (CONFIG.equals(type)) {
            return node.hasNonNull("subject") ? new StoreKey.Config(text(node, "subject")) : StoreKey.Config.GLOBAL;
        }
        throw new IllegalArgumentException("unknown key type '" + type + "'");
    }

    /** The value stored under {@code key}; null for a tombstone. */
    StoreValue decodeValue(StoreKey key, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        JsonNode node = parse(bytes, "value");
        checkFormat(node, "value");
        if (key instanceof StoreKey.Schema) {
            List<SchemaReference> references = new ArrayList<>();
            for (JsonNode reference : node.path("references")) {
                references.add(new SchemaReference(
                        text(reference, "name"), text(reference, "subject"), number(reference, "version")));
            }
            SchemaContent content = new SchemaContent(text(node, "schemaType"), text(node, "schema"), references);
            StoreValue.Schema value = new StoreValue.Schema(
                    text(node, "subject"),
                    number(node, "version"),
                    number(node, "id"),
                    content,
                    node.path("deleted").asBoolean(false));
            if (!value.key().equals(key)) {
                throw new IllegalArgumentException("the value of " + key + " describes " + value.key());
            }
            return value;
        }
        String level = text(node, "compatibilityLevel");
        return new StoreValue.Config(CompatibilityLevel.parse(level)
                .orElseThrow(() -> new IllegalArgumentException("unknown compatibility level '" + level + "'")));
    }

    private JsonNode parse(byte[] bytes, String what) {
        if (bytes == null) {
            throw new IllegalArgumentException("the " + what + " is missing");
        }
        try {
            JsonNode node = json.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("the " + what + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("the " + what + " is not JSON: " + e.getMessage(), e);
        }
    }

    private static void checkFormat(JsonNode node, String what) {
        int format = node.path("format").asInt(-1);
        if (format < 1 || format > FORMAT) {
            throw new IllegalArgumentException("the " + what + " has format " + node.path("format")
                    + ", this registry reads formats 1 to " + FORMAT);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not a string");
        }
        return value.asText();
    }

    private static int number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not an integer");
        }
        return value.asInt();
    }

    private byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize a schema store record: " + e.getMessage(), e);
        }
    }
}
