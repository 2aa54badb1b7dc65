package dev.floe.deploy.registry;

import dev.floe.registry.SchemaReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Validates Avro schemas with Apache Avro's parser and gives their canonical text: the parsed
 * schema printed compactly, so that whitespace, attribute order and namespace spelling do not
 * make two equal schemas different. Docs, defaults, aliases and logical types are kept: they
 * change how data reads, so schemas that differ in them are different schemas. With {@code
 * normalize}, the text is {@link AvroNormalizer}'s and the references are sorted and deduplicated.
 */
final class AvroCanonicalizer {
    /** Deeper reference chains than this are refused: they are cycles or abuse. */
    private static final int MAX_REFERENCE_DEPTH = 32;

    private static final Comparator<SchemaReference> REFERENCE_ORDER = Comparator.comparing(SchemaReference::name)
            .thenComparing(SchemaReference::subject)
            .thenComparingInt(SchemaReference::version);

    /** A schema as stored ({@code content}) and as Avro reads it ({@code avro}). */
    record Parsed(SchemaContent content, Schema avro) {}

    private AvroCanonicalizer() {}

    /** The canonical content of {@code schema}, not normalized; see {@link #parse}. */
    static SchemaContent canonicalize(String schema, List<SchemaReference> references, RegistryState state) {
        return parse(schema, references, state, false).content();
    }

    /**
     * Parses {@code schema}, whose named types may come from {@code references} (resolved, with
     * their own references, against {@code state}).
     *
     * @throws RegistryException with {@link RegistryError#INVALID_SCHEMA} when the schema or a
     *     reference does not parse or resolve
     */
    static Parsed parse(String schema, List<SchemaReference> references, RegistryState state, boolean normalize) {
        if (schema == null || schema.isBlank()) {
            throw new RegistryException(RegistryError.INVALID_SCHEMA, "invalid Avro schema: the schema is empty");
        }
        Schema.Parser parser = new Schema.Parser().setValidateDefaults(true);
        Set<SchemaReference> loaded = new HashSet<>();
        for (SchemaReference reference : references) {
            load(parser, reference, state, loaded, 1);
        }
        List<Schema> referenced = new ArrayList<>(parser.getTypes().values());
        Set<String> referencedNames = new HashSet<>(parser.getTypes().keySet());
        Schema parsed;
        try {
            parsed = parser.parse(schema);
        } catch (RuntimeException e) {
            throw new RegistryException(RegistryError.INVALID_SCHEMA, "invalid Avro schema: " + e.getMessage(), e);
        }
        if (normalize) {
            List<SchemaReference> sorted =
                    references.stream().distinct().sorted(REFERENCE_ORDER).toList();
            String text = AvroNormalizer.normalize(parsed, referencedNames);
            return new Parsed(new SchemaContent(SchemaContent.AVRO, text, sorted), parsed);
        }
        String canonical = referenced.isEmpty() ? parsed.toString() : withoutInlining(parsed, referenced);
        return new Parsed(new SchemaContent(SchemaContent.AVRO, canonical, references), parsed);
    }

    /**
     * A stored schema as Avro reads it, its references resolved against {@code state}.
     *
     * @throws RegistryException with {@link RegistryError#STORE_ERROR} when it no longer parses
     *     (a reference was deleted permanently behind it)
     */
    static Schema parseStored(SchemaContent content, RegistryState state) {
        try {
            return parse(content.schema(), content.references(), state, false).avro();
        } catch (RegistryException e) {
            throw new RegistryException(RegistryError.STORE_ERROR, "Cannot read a stored schema: " + e.getMessage(), e);
        }
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
        // a soft-deleted version still resolves: schemas registered against it keep reading
        SchemaContent content = state.version(reference.subject(), reference.version(), true)
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
