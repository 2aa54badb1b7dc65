package dev.floe.deploy.registry;

import dev.floe.registry.SchemaReference;
import java.util.List;
import java.util.Objects;

/**
 * What makes two registered schemas the same: type, canonical text and references. Equal
 * contents share one global id, under any subject.
 */
record SchemaContent(String schemaType, String schema, List<SchemaReference> references) {
    static final String AVRO = "AVRO";

    SchemaContent {
        Objects.requireNonNull(schemaType, "schemaType");
        Objects.requireNonNull(schema, "schema");
        references = List.copyOf(references);
    }
}
