package dev.floe.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A {@link SchemaRegistryClient} over the registry's REST API (Confluent's, as other registries
 * also speak it). Requests go through one transport that fails over across the configured URLs
 * and retries with backoff and jitter on connection errors, timeouts, 5xx and 429; see {@link
 * RegistryClientConfig}.
 *
 * <p>Thread-safe. It caches nothing: wrap it in a {@link CachingSchemaRegistry} for decoding.
 *
 * @throws RegistryConfigurationException from the constructor when a TLS file cannot be loaded
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {
    private static final String LATEST = "latest";

    private final ObjectMapper json = new ObjectMapper();
    private final RegistryTransport transport;

    public HttpSchemaRegistryClient(RegistryClientConfig config) {
        this.transport = new RegistryTransport(config, json);
    }

    @Override
    public RegisteredSchema schemaById(int id) {
        JsonNode body = transport.send("GET", "/schemas/ids/" + id, null, "get schema id " + id);
        return schema(id, body);
    }

    @Override
    public List<String> schemaTypes() {
        return strings(transport.send("GET", "/schemas/types", null, "list the schema types"));
    }

    @Override
    public List<String> subjects() {
        return strings(transport.send("GET", "/subjects", null, "list the subjects"));
    }

    @Override
    public List<Integer> versions(String subject) {
        JsonNode body = transport.send(
                "GET", subjectPath(subject) + "/versions", null, "list the versions of subject " + subject);
        return integers(body);
    }

    @Override
    public SubjectVersion version(String subject, int version) {
        return subjectVersion(transport.send(
                "GET",
                subjectPath(subject) + "/versions/" + version,
                null,
                "get version " + version + " of subject " + subject));
    }

    @Override
    public SubjectVersion latestVersion(String subject) {
        return subjectVersion(transport.send(
                "GET",
                subjectPath(subject) + "/versions/" + LATEST,
                null,
                "get the latest version of subject " + subject));
    }

    @Override
    public int register(String subject, String schemaType, String schema, List<SchemaReference> references) {
        JsonNode body = transport.send(
                "POST",
                subjectPath(subject) + "/versions",
                schemaBody(schemaType, schema, references),
                "register a schema under subject " + subject);
        return body.path("id").asInt();
    }

    @Override
    public SubjectVersion lookup(String subject, String schemaType, String schema, List<SchemaReference> references) {
        return subjectVersion(transport.send(
                "POST",
                subjectPath(subject),
                schemaBody(schemaType, schema, references),
                "look up a schema under subject " + subject));
    }

    @Override
    public CompatibilityResult compatibility(
            String subject, int version, String schemaType, String schema, List<SchemaReference> references) {
        return compatibility(subject, Integer.toString(version), "version " + version, schemaType, schema, references);
    }

    @Override
    public CompatibilityResult compatibilityWithLatest(
            String subject, String schemaType, String schema, List<SchemaReference> references) {
        return compatibility(subject, LATEST, "the latest version", schemaType, schema, references);
    }

    private CompatibilityResult compatibility(
            String subject,
            String version,
            String versionName,
            String schemaType,
            String schema,
            List<SchemaReference> references) {
        JsonNode body = transport.send(
                "POST",
                "/compatibility" + subjectPath(subject) + "/versions/" + version + "?verbose=true",
                schemaBody(schemaType, schema, references),
                "check a schema against " + versionName + " of subject " + subject);
        return new CompatibilityResult(body.path("is_compatible").asBoolean(), strings(body.path("messages")));
    }

    @Override
    public CompatibilityLevel globalCompatibility() {
        String action = "get the global compatibility level";
        return compatibilityLevel(transport.send("GET", "/config", null, action), action);
    }

    @Override
    public CompatibilityLevel setGlobalCompatibility(CompatibilityLevel level) {
        String action = "set the global compatibility level to " + level;
        return compatibilityLevel(transport.send("PUT", "/config", compatibilityBody(level), action), action);
    }

    @Override
    public Optional<CompatibilityLevel> subjectCompatibility(String subject) {
        String action = "get the compatibility level of subject " + subject;
        return transport
                .find("GET", "/config/" + encode(subject), action)
                .map(body -> compatibilityLevel(body, action));
    }

    @Override
    public CompatibilityLevel setSubjectCompatibility(String subject, CompatibilityLevel level) {
        String action = "set the compatibility level of subject " + subject + " to " + level;
        return compatibilityLevel(
                transport.send("PUT", "/config/" + encode(subject), compatibilityBody(level), action), action);
    }

    @Override
    public void deleteSubjectCompatibility(String subject) {
        transport.send(
                "DELETE", "/config/" + encode(subject), null, "delete the compatibility level of subject " + subject);
    }

    @Override
    public RegistryMode globalMode() {
        String action = "get the global mode";
        return mode(transport.send("GET", "/mode", null, action), action);
    }

    @Override
    public RegistryMode setGlobalMode(RegistryMode mode) {
        String action = "set the global mode to " + mode;
        return mode(transport.send("PUT", "/mode", modeBody(mode), action), action);
    }

    @Override
    public Optional<RegistryMode> subjectMode(String subject) {
        String action = "get the mode of subject " + subject;
        return transport.find("GET", "/mode/" + encode(subject), action).map(body -> mode(body, action));
    }

    @Override
    public RegistryMode setSubjectMode(String subject, RegistryMode mode) {
        String action = "set the mode of subject " + subject + " to " + mode;
        return mode(transport.send("PUT", "/mode/" + encode(subject), modeBody(mode), action), action);
    }

    @Override
    public List<Integer> deleteSubject(String subject, Deletion deletion) {
        return integers(transport.send(
                "DELETE",
                subjectPath(subject) + permanence(deletion),
                null,
                "delete subject " + subject + " (" + deletion + ")"));
    }

    @Override
    public int deleteVersion(String subject, int version, Deletion deletion) {
        return transport
                .send(
                        "DELETE",
                        subjectPath(subject) + "/versions/" + version + permanence(deletion),
                        null,
                        "delete version " + version + " of subject " + subject + " (" + deletion + ")")
                .asInt();
    }

    @Override
    public void close() {
        transport.close();
    }

    private ObjectNode schemaBody(String schemaType, String schema, List<SchemaReference> references) {
        ObjectNode request = json.createObjectNode();
        request.put("schema", schema);
        if (!RegisteredSchema.AVRO.equals(schemaType)) {
            request.put("schemaType", schemaType);
        }
        if (!references.isEmpty()) {
            ArrayNode array = request.putArray("references");
            for (SchemaReference reference : references) {
                array.addObject()
                        .put("name", reference.name())
                        .put("subject", reference.subject())
                        .put("version", reference.version());
            }
        }
        return request;
    }

    private ObjectNode compatibilityBody(CompatibilityLevel level) {
        return json.createObjectNode().put("compatibility", level.name());
    }

    private ObjectNode modeBody(RegistryMode mode) {
        return json.createObjectNode().put("mode", mode.name());
    }

    /** GET answers {@code compatibilityLevel}, PUT answers {@code compatibility}. */
    private static CompatibilityLevel compatibilityLevel(JsonNode body, String action) {
        JsonNode level =
                body.hasNonNull("compatibilityLevel") ? body.get("compatibilityLevel") : body.get("compatibility");
        return named(CompatibilityLevel.class, level, action);
    }

    private static RegistryMode mode(JsonNode body, String action) {
        return named(RegistryMode.class, body.get("mode"), action);
    }

    private static <E extends Enum<E>> E named(Class<E> type, JsonNode value, String action) {
        String name = value == null ? "nothing" : value.asText();
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        throw new RegistryRequestException(
                "Cannot " + action + ": the registry answered " + name + ", not one of "
                        + Arrays.toString(type.getEnumConstants()),
                0);
    }

    private static SubjectVersion subjectVersion(JsonNode body) {
        return new SubjectVersion(
                body.path("subject").asText(),
                body.path("version").asInt(),
                schema(body.path("id").asInt(), body));
    }

    private static RegisteredSchema schema(int id, JsonNode body) {
        List<SchemaReference> references = new ArrayList<>();
        body.path("references")
                .forEach(node -> references.add(new SchemaReference(
                        node.path("name").asText(),
                        node.path("subject").asText(),
                        node.path("version").asInt())));
        String type = body.hasNonNull("schemaType") ? body.get("schemaType").asText() : RegisteredSchema.AVRO;
        return new RegisteredSchema(id, type, body.path("schema").asText(), references);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return List.copyOf(values);
    }

    private static List<Integer> integers(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asInt()));
        return List.copyOf(values);
    }

    private static String permanence(Deletion deletion) {
        return deletion == Deletion.PERMANENT ? "?permanent=true" : "";
    }

    private static String subjectPath(String subject) {
        return "/subjects/" + encode(subject);
    }

    /** One path segment: every reserved character escaped, spaces as %20. */
    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
