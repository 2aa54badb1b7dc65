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
 * The JSON form of the schema store's keys and values, formats 1 and {@value #FORMAT}.
 *
 * <p>Format 1 keys: {@code {"keytype":"SCHEMA","subject":"s","version":1,"format":1}} and {@code
 * {"keytype":"CONFIG","subject":"s","format":1}} (no subject: the global setting). Format 2 adds
 * {@code {"keytype":"MODE","subject":"s","format":2}} and {@code {"keytype":"ID_WATERMARK",
 * "format":2}}. A key's bytes never change across formats (a SCHEMA or CONFIG key is format 1
 * forever): compaction keeps the newest record per key bytes, so a key spelled two ways would
 * keep a stale record alive.
 *
 * <p>Each value is written in the oldest format that can express it: a config with a
 * compatibility level only is format 1, one that sets {@code normalize} is format 2. Registries of
 * an older Floe then keep working on a topic until a newer one uses a newer feature. A reader
 * refuses a newer format rather than guess, because skipping a record could hand out an id twice.
 */
final class StoreCodec {
    /** The newest format this code writes and reads. Bump it with every incompatible change. */
    static final int FORMAT = 2;

    private static final String SCHEMA = "SCHEMA";
    private static final String CONFIG = "CONFIG";
    private static final String MODE = "MODE";
    private static final String ID_WATERMARK = "ID_WATERMARK";

    private final ObjectMapper json = new ObjectMapper();

    byte[] encodeKey(StoreKey key) {
        ObjectNode node = json.createObjectNode();
        int format = 1;
        if (key instanceof StoreKey.Schema schema) {
            node.put("keytype", SCHEMA).put("subject", schema.subject()).put("version", schema.version());
        } else if (key instanceof StoreKey.Config config) {
            node.put("keytype", CONFIG);
            putSubject(node, config.subject());
        } else if (key instanceof StoreKey.Mode mode) {
            node.put("keytype", MODE);
            putSubject(node, mode.subject());
            format = 2;
        } else {
            node.put("keytype", ID_WATERMARK);
            format = 2;
        }
        node.put("format", format);
        return bytes(node);
    }

    byte[] encodeValue(StoreValue value) {
        ObjectNode node = json.createObjectNode();
        if (value instanceof StoreValue.Schema schema) {
            node.put("format", 1)
                    .put("subject", schema.subject())
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
        } else if (value instanceof StoreValue.Config config) {
            boolean formatOne = config.normalize() == null;
            node.put("format", formatOne ? 1 : 2);
            if (config.compatibility() != null) {
                node.put("compatibilityLevel", config.compatibility().name());
            }
            if (config.normalize() != null) {
                node.put("normalize", config.normalize());
            }
        } else if (value instanceof StoreValue.Mode mode) {
            node.put("format", 2).put("mode", mode.mode().name());
        } else {
            node.put("format", 2).put("highestId", ((StoreValue.IdWatermark) value).highestId());
        }
        return bytes(node);
    }

    /** @throws IllegalArgumentException when the bytes are not a key of a format this code reads */
    StoreKey decodeKey(byte[] bytes) {
        JsonNode node = parse(bytes, "key");
        checkFormat(node, "key");
        String type = node.path("keytype").asText();
        switch (type) {
            case SCHEMA:
                return new StoreKey.Schema(text(node, "subject"), number(node, "version"));
            case CONFIG:
                return node.hasNonNull("subject") ? new StoreKey.Config(text(node, "subject")) : StoreKey.Config.GLOBAL;
            case MODE:
                return node.hasNonNull("subject") ? new StoreKey.Mode(text(node, "subject")) : StoreKey.Mode.GLOBAL;
            case ID_WATERMARK:
                return StoreKey.IdWatermark.INSTANCE;
            default:
                throw new IllegalArgumentException("unknown key type '" + type + "'");
        }
    }

    /** The value stored under {@code key}; null for a tombstone. */
    StoreValue decodeValue(StoreKey key, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        JsonNode node = parse(bytes, "value");
        checkFormat(node, "value");
        if (key instanceof StoreKey.Schema) {
            return schema((StoreKey.Schema) key, node);
        }
        if (key instanceof StoreKey.Config) {
            CompatibilityLevel level = null;
            if (node.hasNonNull("compatibilityLevel")) {
                String text = text(node, "compatibilityLevel");
                level = CompatibilityLevel.parse(text)
                        .orElseThrow(() -> new IllegalArgumentException("unknown compatibility level '" + text + "'"));
            }
            Boolean normalize =
                    node.hasNonNull("normalize") ? node.get("normalize").asBoolean() : null;
            return new StoreValue.Config(level, normalize);
        }
        if (key instanceof StoreKey.Mode) {
            String text = text(node, "mode");
            return new StoreValue.Mode(RegistryMode.parse(text)
                    .orElseThrow(() -> new IllegalArgumentException("unknown mode '" + text + "'")));
        }
        return new StoreValue.IdWatermark(number(node, "highestId"));
    }

    private StoreValue.Schema schema(StoreKey.Schema key, JsonNode node) {
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

    private static void putSubject(ObjectNode node, String subject) {
        if (subject != null) {
            node.put("subject", subject);
        }
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
