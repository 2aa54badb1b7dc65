package dev.floe.deploy.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.registry.SchemaReference;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent schema registry REST API over {@link SchemaRegistryService}: the paths, JSON
 * shapes, content type and error bodies ({@code {"error_code":40401,"message":"..."}}) that
 * Confluent's clients and serializers expect.
 *
 * <p>{@code ?normalize=} is accepted on registration and lookup; Avro schemas are always compared
 * by their canonical text (see {@link AvroCanonicalizer}), so it changes nothing.
 */
final class RegistryHttpApi {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpApi.class);
    /** Set on a request whose error body is written, so the status-code handlers leave it alone. */
    private static final String ERROR_WRITTEN = "floe.registry.error-written";

    private final SchemaRegistryService service;
    private final ObjectMapper json = new ObjectMapper();

    private RegistryHttpApi(SchemaRegistryService service) {
        this.service = service;
    }

    /** A Javalin server, not started, that serves {@code service}. */
    static Javalin create(SchemaRegistryService service) {
        RegistryHttpApi api = new RegistryHttpApi(service);
        return Javalin.create(api::configure);
    }

    private void configure(JavalinConfig config) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.http.defaultContentType = CONTENT_TYPE;
        config.router.ignoreTrailingSlashes = true;
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("floe-registry-http");
        threads.setDaemon(true);
        config.jetty.threadPool = threads;

        var routes = config.routes;
        routes.get("/", ctx -> ok(ctx, json.createObjectNode()));
        routes.get("/schemas/types", ctx -> ok(ctx, strings(service.schemaTypes())));
        routes.get("/schemas/ids/{id}", ctx -> ok(ctx, schemaById(service.schemaById(ctx.pathParam("id")))));
        routes.get(
                "/schemas/ids/{id}/schema",
                ctx -> ok(ctx, service.schemaById(ctx.pathParam("id")).schema()));
        routes.get("/schemas/ids/{id}/versions", ctx -> {
            ArrayNode versions = json.createArrayNode();
            for (RegistryState.Version version : service.versionsOfSchema(ctx.pathParam("id"))) {
                versions.addObject().put("subject", version.subject()).put("version", version.version());
            }
            ok(ctx, versions);
        });
        routes.get(
                "/schemas/ids/{id}/subjects",
                ctx -> ok(
                        ctx,
                        strings(service.versionsOfSchema(ctx.pathParam("id")).stream()
                                .map(RegistryState.Version::subject)
                                .distinct()
                                .toList())));
        routes.get("/subjects", ctx -> ok(ctx, strings(service.subjects())));
        routes.get("/subjects/{subject}/versions", ctx -> {
            ArrayNode versions = json.createArrayNode();
            service.versions(ctx.pathParam("subject")).forEach(versions::add);
            ok(ctx, versions);
        });
        routes.post("/subjects/{subject}/versions", ctx -> {
            int id = service.register(ctx.pathParam("subject"), schemaRequest(ctx));
            ok(ctx, json.createObjectNode().put("id", id));
        });
        routes.get(
                "/subjects/{subject}/versions/{version}",
                ctx -> ok(ctx, subjectSchema(service.version(ctx.pathParam("subject"), ctx.pathParam("version")))));
        routes.get(
                "/subjects/{subject}/versions/{version}/schema",
                ctx -> ok(
                        ctx,
                        service.version(ctx.pathParam("subject"), ctx.pathParam("version"))
                                .content()
                                .schema()));
        routes.post(
                "/subjects/{subject}",
                ctx -> ok(ctx, subjectSchema(service.lookup(ctx.pathParam("subject"), schemaRequest(ctx)))));
        routes.get("/config", ctx -> ok(ctx, compatibilityLevel(service.globalCompatibility())));
        routes.put("/config", ctx -> ok(ctx, compatibility(service.setCompatibility(null, levelOf(ctx)))));
        routes.get(
                "/config/{subject}",
                ctx -> ok(
                        ctx,
                        compatibilityLevel(service.subjectCompatibility(
                                ctx.pathParam("subject"),
                                "true".equalsIgnoreCase(ctx.queryParam("defaultToGlobal"))))));
        routes.put(
                "/config/{subject}",
                ctx -> ok(ctx, compatibility(service.setCompatibility(ctx.pathParam("subject"), levelOf(ctx)))));
        routes.delete(
                "/config/{subject}",
                ctx -> ok(ctx, compatibilityLevel(service.deleteCompatibility(ctx.pathParam("subject")))));

        routes.exception(RegistryException.class, (e, ctx) -> {
            if (e.error().httpStatus() >= 500) {
                LOG.warn("{} {} failed: {}", ctx.method(), ctx.path(), e.getMessage(), e.getCause());
            }
            error(ctx, e.error().httpStatus(), e.error().code(), e.getMessage());
        });
        routes.exception(
                HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getStatus(), e.getMessage()));
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, 500, "Cannot answer " + ctx.method() + " " + ctx.path() + ": " + e);
        });
        // requests no route matched: Confluent's clients expect a JSON error body here too
        routes.error(404, ctx -> unmatched(ctx, 404));
        routes.error(405, ctx -> unmatched(ctx, 405));
    }

    private void unmatched(Context ctx, int status) {
        if (ctx.attribute(ERROR_WRITTEN) == null) {
            error(ctx, status, status, "Cannot " + ctx.method() + " " + ctx.path() + ": HTTP " + status);
        }
    }

    private void ok(Context ctx, JsonNode body) throws JsonProcessingException {
        ctx.status(200).contentType(CONTENT_TYPE).result(json.writeValueAsString(body));
    }

    /** A body that is already JSON text, such as a schema. */
    private void ok(Context ctx, String body) {
        ctx.status(200).contentType(CONTENT_TYPE).result(body);
    }

    private void error(Context ctx, int status, int code, String message) {
        ctx.attribute(ERROR_WRITTEN, Boolean.TRUE);
        ObjectNode body = json.createObjectNode().put("error_code", code).put("message", message);
        ctx.status(status).contentType(CONTENT_TYPE).result(body.toString());
    }

    private SchemaRegistryService.SchemaRequest schemaRequest(Context ctx) {
        JsonNode body = body(ctx);
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
                references);
    }

    private String levelOf(Context ctx) {
        JsonNode body = body(ctx);
        JsonNode level = body.hasNonNull("compatibility") ? body.get("compatibility") : body.get("compatibilityLevel");
        return level == null ? null : level.asText();
    }

    private JsonNode body(Context ctx) {
        try {
            JsonNode body = json.readTree(ctx.body());
            if (body == null || !body.isObject()) {
                throw new RegistryException(
                        RegistryError.BAD_REQUEST, "Cannot read the request body: it is not a JSON object");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new RegistryException(
                    RegistryError.BAD_REQUEST, "Cannot read the request body: " + e.getOriginalMessage());
        }
    }

    private ObjectNode schemaById(SchemaContent content) {
        ObjectNode node = json.createObjectNode();
        describe(node, content);
        return node;
    }

    private ObjectNode subjectSchema(SchemaRegistryService.SubjectSchema schema) {
        ObjectNode node = json.createObjectNode()
                .put("subject", schema.subject())
                .put("version", schema.version())
                .put("id", schema.id());
        describe(node, schema.content());
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

    private ObjectNode compatibilityLevel(CompatibilityLevel level) {
        return json.createObjectNode().put("compatibilityLevel", level.name());
    }

    private ObjectNode compatibility(CompatibilityLevel level) {
        return json.createObjectNode().put("compatibility", level.name());
    }

    private ArrayNode strings(List<String> values) {
        ArrayNode array = json.createArrayNode();
        values.forEach(array::add);
        return array;
    }
}
