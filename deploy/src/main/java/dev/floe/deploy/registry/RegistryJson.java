package dev.floe.deploy.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.registry.SchemaReference;
import java.util.ArrayList;
import java.util.List;

/** The JSON bodies of the Confluent REST API: requests read, answers written. */
final class RegistryJson {
    private final ObjectMapper json = new ObjectMapper();

    String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a JSON answer: " + e.getMessage(), e);
        }
    }

    ObjectNode object() {
        return json.createObjectNode();
    }

    /** The body of a request, which must be a JSON object. */
    JsonNode read(String body) {
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new RegistryException(
                        RegistryError.BAD_REQUEST, "Cannot read the request body: it is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new RegistryException(
                    RegistryError.BAD_REQUEST, "Cannot read the request body: " + e.getOriginalMessage());
        }
    }

    /** A register, lookup or compatibility request: schema, schemaType, references, and for imports id and version. */
    SchemaRegistryService.SchemaRequest schemaRequest(String text) {
        JsonNode body = read(text);
        JsonNode schema = body.get("schema");
        List<SchemaReference> references = new ArrayList<>();
        for (JsonNode reference : body.path("references")) {
            if (!reference.path("name").isTextual()
                    || !reference.path("subject").isTextual()
                    || !reference.path("version").canConvertToInt()) {
                throw new RegistryException(
                        RegistryError.INVALID_SCHEMA,
                        "Cannot read the schema request: a reference needs a name, a subject and a version, got "
                                + reference);
            }
            references.add(new SchemaReference(
                    reference.get("name").asText(),
                    reference.get("subject").asText(),
                    reference.get("version").asInt()));
        }
        return new SchemaRegistryService.SchemaRequest(
                schema != null && schema.isTextual() ? schema.asText() : null,
                body.hasNonNull("schemaType") ? body.get("schemaType").asText() : null,
                references,
                integer(body, "id"),
                integer(body, "version"));
    }

    /** An id or version that Confluent's clients send as 0 or -1 when they mean "none". */
    private static Integer integer(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt()) {
            throw new RegistryException(
                    RegistryError.BAD_REQUEST, "Cannot read the schema request: '" + field + "' is not an integer");
        }
        int number = value.asInt();
        return number <= 0 ? null : number;
    }

    /** The level of a config request ({@code compatibility}, or {@code compatibilityLevel}); null when absent. */
    String compatibility(JsonNode body) {
        JsonNode level = body.hasNonNull("compatibility") ? body.get("compatibility") : body.get("compatibilityLevel");
        return level == null || level.isNull() ? null : level.asText();
    }

    Boolean normalize(JsonNode body) {
        JsonNode normalize = body.get("normalize");
        if (normalize == null || normalize.isNull()) {
            return null;
        }
        if (!normalize.isBoolean()) {
            throw new RegistryException(
                    RegistryError.BAD_REQUEST, "Cannot read the config request: 'normalize' is not true or false");
        }
        return normalize.asBoolean();
    }

    String mode(JsonNode body) {
        JsonNode mode = body.get("mode");
        return mode == null || mode.isNull() ? null : mode.asText();
    }

    ObjectNode schemaById(SchemaContent content) {
        ObjectNode node = object();
        describe(node, content);
        return node;
    }

    ObjectNode subjectSchema(SchemaRegistryService.SubjectSchema schema) {
        ObjectNode node = object().put("subject", schema.subject())
                .put("version", schema.version())
                .put("id", schema.id());
        describe(node, schema.content());
        if (schema.deleted()) {
            node.put("deleted", true);
        }
        return node;
    }

    /** Adds the schema, and its type and references where Confluent's API shows them. */
    private static void describe(ObjectNode node, SchemaContent content) {
        if (!SchemaContent.AVRO.equals(content.schemaType())) {
            node.put("schemaType", content.schemaType());
        }
        node.put("schema", content.schema());
        if (!content.references().isEmpty()) {
            ArrayNode references = node.putArray("references");
            for (SchemaReference reference : content.references()) {
                references
                        .addObject()
                        .put("name", reference.name())
                        .put("subject", reference.subject())
                        .put("version", reference.version());
            }
        }
    }

    /** A config as GET and DELETE answer it ({@code compatibilityLevel}), or as PUT does ({@code compatibility}). */
    ObjectNode config(RegistryConfiguration.Config config, String levelField) {
        ObjectNode node = object();
        if (config.compatibility() != null) {
            node.put(levelField, config.compatibility().name());
        }
        if (config.normalize() != null) {
            node.put("normalize", config.normalize());
        }
        return node;
    }

    ObjectNode mode(RegistryMode mode) {
        return object().put("mode", mode.name());
    }

    ObjectNode compatibility(SchemaRegistration.Check check, boolean verbose) {
        ObjectNode node = object().put("is_compatible", check.compatible());
        if (verbose) {
            ArrayNode messages = node.putArray("messages");
            check.messages().forEach(messages::add);
        }
        return node;
    }

    ArrayNode versions(List<RegistryState.Version> versions) {
        ArrayNode array = json.createArrayNode();
        for (RegistryState.Version version : versions) {
            array.addObject().put("subject", version.subject()).put("version", version.version());
        }
        return array;
    }

    ArrayNode strings(List<String> values) {
        ArrayNode array = json.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    ArrayNode integers(List<Integer> values) {
        ArrayNode array = json.createArrayNode();
        values.forEach(array::add);
        return array;
    }
}
