package dev.floe.deploy.registry;

import dev.floe.registry.SchemaReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Validates Avro schemas with Apache Avro's parser and gives their canonical text: the parsed
 * schema printed compactly, so that whitespace, attribute order and namespace spelling do not
 * make two equal schemas different. Docs, defaults, aliases and logical types are kept: they
 * change how data reads, so schemas that differ in them are different schemas.
 */
final class AvroCanonicalizer {
    /** Deeper reference chains than this are refused: they are cycles or abuse. */
    private static final int MAX_REFERENCE_DEPTH = 32;

    private AvroCanonicalizer() {}

    /**
     * The canonical content of {@code schema}, whose named types may come from {@code references}
     * (resolved, with their own references, against {@code state}).
     *
     * @throws RegistryException with {@link RegistryError#INVALID_SCHEMA} when the schema or a
     *     reference does not parse or resolve
     */
    static SchemaContent canonicalize(String schema, List<SchemaReference> references, RegistryState state) {
        if (schema == null || schema.isBlank()) {
            throw new RegistryException(RegistryError.INVALID_SCHEMA, "invalid Avro schema: the schema is empty");
        }
        Schema.Parser parser = new Schema.Parser().setValidateDefaults(true);
        Set<SchemaReference> loaded = new HashSet<>();
        for (SchemaReference reference : references) {
            load(parser, reference, state, loaded, 1);
        }
        List<Schema> referenced = new ArrayList<>(parser.getTypes().values());
        Schema parsed;
        try {
            parsed = parser.parse(schema);
        } catch (RuntimeException e) {
            throw new RegistryException(RegistryError.INVALID_SCHEMA, "invalid Avro schema: " + e.getMessage(), e);
        }
        String canonical = referenced.isEmpty() ? parsed.toString() : withoutInlining(parsed, referenced);
        return new SchemaContent(SchemaContent.AVRO, canonical, references);
    }

    /**
     * The schema's JSON naming, not repeating, the types its references define. Avro 1.12 has no
     * other way to print that (AVRO-2832); Confluent's serializers rely on the same method.
     */
    @SuppressWarnings("deprecation")
    private static String withoutInlining(Schema schema, List<Schema> referenced) {
        return schema.toString(referenced, false);
    }

    /** Parses a referenced schema into {@code parser}, its own references first. */
    private static void load(
            Schema.Parser parser,
            SchemaReference reference,
            RegistryState state,
            Set<SchemaReference> loaded,
            int depth) {
        if (!loaded.add(reference)) {
            return;
        }
        if (depth > MAX_REFERENCE_DEPTH) {
            throw new RegistryException(
                    RegistryError.INVALID_SCHEMA,
                    "invalid Avro schema: references nest deeper than " + MAX_REFERENCE_DEPTH + " at "
                            + describe(reference));
        }
        SchemaContent content = state.version(reference.subject(), reference.version())
                .flatMap(version -> state.schema(version.id()))
                .orElseThrow(() -> new RegistryException(
                        RegistryError.INVALID_SCHEMA,
                        "invalid Avro schema: reference " + describe(reference) + " is not registered"));
        if (!SchemaContent.AVRO.equals(content.schemaType())) {
            throw new RegistryException(
                    RegistryError.INVALID_SCHEMA,
                    "invalid Avro schema: reference " + describe(reference) + " is a " + content.schemaType()
                            + " schema, not AVRO");
        }
        for (SchemaReference nested : content.references()) {
            load(parser, nested, state, loaded, depth + 1);
        }
        if (parser.getTypes().containsKey(reference.name())) {
            return;
        }
        try {
            parser.parse(content.schema());
        } catch (RuntimeException e) {
            throw new RegistryException(
                    RegistryError.INVALID_SCHEMA,
                    "invalid Avro schema: reference " + describe(reference) + " does not parse: " + e.getMessage(),
                    e);
        }
    }

    private static String describe(SchemaReference reference) {
        return "'" + reference.name() + "' (subject " + reference.subject() + " version " + reference.version() + ")";
    }
}
