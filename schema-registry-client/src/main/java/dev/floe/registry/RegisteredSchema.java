package dev.floe.registry;

import java.util.List;
import java.util.Objects;

/**
 * A schema as the registry holds it.
 *
 * @param id the registry-wide id, immutable once assigned
 * @param schemaType {@code AVRO}, {@code JSON} or {@code PROTOBUF}
 * @param schema the schema text
 * @param references the schemas this one references, in order
 */
public record RegisteredSchema(int id, String schemaType, String schema, List<SchemaReference> references) {
    public static final String AVRO = "AVRO";

    public RegisteredSchema {
        Objects.requireNonNull(schemaType, "schemaType");
        Objects.requireNonNull(schema, "schema");
        references = List.copyOf(references);
    }
}
