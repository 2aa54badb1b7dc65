package dev.floe.registry;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.avro.Schema;

/**
 * Parses a registered Avro schema together with the schemas it references: each reference is
 * fetched by subject and version, its own references first (depth first), and every one is parsed
 * into the same {@link Schema.Parser} before the referencing schema, so that the names it uses
 * are defined when it is parsed. A schema referenced twice is parsed once.
 */
final class AvroSchemaParser {
    private AvroSchemaParser() {}

    /**
     * The parsed schema with id {@code id}.
     *
     * @param versions fetches a referenced schema by subject and version
     * @throws SchemaNotFoundException when a referenced subject or version does not exist
     * @throws RegistryRequestException when a schema does not parse, a reference is not Avro, or
     *     the references form a cycle
     */
    static Schema parse(int id, RegisteredSchema schema, BiFunction<String, Integer, RegisteredSchema> versions) {
        Map<SubjectAndVersion, RegisteredSchema> ordered = new LinkedHashMap<>();
        Set<SubjectAndVersion> path = new HashSet<>();
        for (SchemaReference reference : schema.references()) {
            collect(id, reference, versions, ordered, path);
        }
        Schema.Parser parser = new Schema.Parser();
        for (Map.Entry<SubjectAndVersion, RegisteredSchema> referenced : ordered.entrySet()) {
            parse(parser, referenced.getValue().schema(), id, " its reference " + referenced.getKey() + ":");
        }
        return parse(parser, schema.schema(), id, "");
    }

    private static void collect(
            int id,
            SchemaReference reference,
            BiFunction<String, Integer, RegisteredSchema> versions,
            Map<SubjectAndVersion, RegisteredSchema> ordered,
            Set<SubjectAndVersion> path) {
        SubjectAndVersion key = new SubjectAndVersion(reference.subject(), reference.version());
        if (ordered.containsKey(key)) {
            return;
        }
        String cannot =
                "Cannot parse the Avro schema with id " + id + ": its reference " + reference.name() + " (" + key + ")";
        if (!path.add(key)) {
            throw new RegistryRequestException(cannot + " closes a cycle of references", 0);
        }
        RegisteredSchema referenced;
        try {
            referenced = versions.apply(reference.subject(), reference.version());
        } catch (SchemaNotFoundException e) {
            throw new SchemaNotFoundException(cannot + " is missing: " + e.getMessage(), e.errorCode());
        }
        if (!RegisteredSchema.AVRO.equals(referenced.schemaType())) {
            throw new RegistryRequestException(cannot + " is a " + referenced.schemaType() + " schema, not AVRO", 0);
        }
        for (SchemaReference child : referenced.references()) {
            collect(id, child, versions, ordered, path);
        }
        path.remove(key);
        ordered.put(key, referenced);
    }

    private static Schema parse(Schema.Parser parser, String text, int id, String which) {
        try {
            return parser.parse(text);
        } catch (RuntimeException e) {
            throw new RegistryRequestException(
                    "Cannot parse the Avro schema with id " + id + ":" + which + " " + e.getMessage(), 0);
        }
    }

    /** The identity of a referenced schema. */
    private record SubjectAndVersion(String subject, int version) {
        @Override
        public String toString() {
            return "version " + version + " of subject " + subject;
        }
    }
}
