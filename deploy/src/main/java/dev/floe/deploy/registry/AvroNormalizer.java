package dev.floe.deploy.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.util.internal.JacksonUtils;

/**
 * The normalized text of an Avro schema, what {@code normalize=true} registers: one spelling for
 * every way of writing the same schema. Named types carry their full name (no {@code namespace}
 * attribute), attributes come in a fixed order, custom properties and aliases are sorted, and a
 * named type defined earlier in the schema, or by a reference, is named rather than repeated.
 * Everything that changes how data reads is kept: docs, defaults, aliases, orders, logical types
 * and custom properties.
 */
final class AvroNormalizer {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private AvroNormalizer() {}

    /** The normalized text of {@code schema}, whose named types in {@code referenced} are defined elsewhere. */
    static String normalize(Schema schema, Set<String> referenced) {
        return write(schema, new HashSet<>(referenced), "").toString();
    }

    private static JsonNode write(Schema schema, Set<String> defined, String namespace) {
        switch (schema.getType()) {
            case UNION: {
                ArrayNode branches = JSON.arrayNode();
                schema.getTypes().forEach(branch -> branches.add(write(branch, defined, namespace)));
                return branches;
            }
            case ARRAY: {
                ObjectNode node = JSON.objectNode().put("type", "array");
                node.set("items", write(schema.getElementType(), defined, namespace));
                return properties(node, schema.getObjectProps());
            }
            case MAP: {
                ObjectNode node = JSON.objectNode().put("type", "map");
                node.set("values", write(schema.getValueType(), defined, namespace));
                return properties(node, schema.getObjectProps());
            }
            case RECORD:
            case ENUM:
            case FIXED:
                return named(schema, defined, namespace);
            default:
                if (schema.getObjectProps().isEmpty()) {
                    return TextNode.valueOf(schema.getType().getName());
                }
                return properties(JSON.objectNode().put("type", schema.getType().getName()), schema.getObjectProps());
        }
    }

    /** A record, enum or fixed, inside a type of namespace {@code enclosing}. */
    private static JsonNode named(Schema schema, Set<String> defined, String enclosing) {
        String name = schema.getFullName();
        if (!defined.add(name)) {
            return TextNode.valueOf(name);
        }
        ObjectNode node =
                JSON.objectNode().put("type", schema.getType().getName()).put("name", name);
        String namespace = schema.getNamespace() == null ? "" : schema.getNamespace();
        if (namespace.isEmpty() && !enclosing.isEmpty()) {
            // a name without a dot would otherwise inherit the enclosing namespace
            node.put("namespace", "");
        }
        if (schema.getType() == Schema.Type.RECORD) {
            ArrayNode fields = node.putArray("fields");
            for (Schema.Field field : schema.getFields()) {
                fields.add(field(field, defined, namespace));
            }
        } else if (schema.getType() == Schema.Type.ENUM) {
            ArrayNode symbols = node.putArray("symbols");
            schema.getEnumSymbols().forEach(symbols::add);
            if (schema.getEnumDefault() != null) {
                node.put("default", schema.getEnumDefault());
            }
        } else {
            node.put("size", schema.getFixedSize());
        }
        if (schema.getDoc() != null) {
            node.put("doc", schema.getDoc());
        }
        aliases(node, schema.getAliases());
        return properties(node, schema.getObjectProps());
    }

    private static ObjectNode field(Schema.Field field, Set<String> defined, String namespace) {
        ObjectNode node = JSON.objectNode().put("name", field.name());
        node.set("type", write(field.schema(), defined, namespace));
        if (field.hasDefaultValue()) {
            node.set("default", JacksonUtils.toJsonNode(field.defaultVal()));
        }
        if (field.order() != Schema.Field.Order.ASCENDING) {
            node.put("order", field.order().name().toLowerCase(Locale.ROOT));
        }
        if (field.doc() != null) {
            node.put("doc", field.doc());
        }
        aliases(node, field.aliases());
        return properties(node, field.getObjectProps());
    }

    private static void aliases(ObjectNode node, Set<String> aliases) {
        if (!aliases.isEmpty()) {
            ArrayNode sorted = node.putArray("aliases");
            new TreeSet<>(aliases).forEach(sorted::add);
        }
    }

    /** Adds custom properties (logical types among them) sorted by name. */
    private static ObjectNode properties(ObjectNode node, Map<String, Object> properties) {
        new TreeMap<>(properties).forEach((key, value) -> node.set(key, JacksonUtils.toJsonNode(value)));
        return node;
    }
}
