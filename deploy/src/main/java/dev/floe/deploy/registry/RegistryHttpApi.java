package dev.floe.deploy.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Objects;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent schema registry REST API over the registry's operations: the paths, query
 * parameters, JSON shapes, content type and error bodies ({@code {"error_code":40401,"message":
 * "..."}}) that Confluent's clients and serializers expect. With users configured, every request
 * needs HTTP basic authentication ({@link BasicAuthentication}).
 */
final class RegistryHttpApi {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpApi.class);
    /** Set on a request whose error body is written, so the status-code handlers leave it alone. */
    private static final String ERROR_WRITTEN = "floe.registry.error-written";

    /** What the API serves. */
    record Operations(
            SchemaRegistryService schemas,
            SchemaRegistration registration,
            SubjectDeletion deletion,
            RegistryConfiguration configuration) {
        Operations {
            Objects.requireNonNull(schemas, "schemas");
            Objects.requireNonNull(registration, "registration");
            Objects.requireNonNull(deletion, "deletion");
            Objects.requireNonNull(configuration, "configuration");
        }

        static Operations on(KafkaSchemaStore store) {
            return new Operations(
                    new SchemaRegistryService(store),
                    new SchemaRegistration(store),
                    new SubjectDeletion(store),
                    new RegistryConfiguration(store));
        }
    }

    private final Operations operations;
    private final BasicAuthentication authentication;
    private final RegistryJson json = new RegistryJson();

    private RegistryHttpApi(Operations operations, BasicAuthentication authentication) {
        this.operations = operations;
        this.authentication = authentication;
    }

    /** A Javalin server, not started, that serves {@code operations}. */
    static Javalin create(Operations operations, BasicAuthentication authentication) {
        RegistryHttpApi api = new RegistryHttpApi(operations, authentication);
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

        RoutesConfig routes = config.routes;
        if (authentication.required()) {
            routes.before(authentication::authenticate);
        }
        routes.get("/", ctx -> ok(ctx, json.object()));
        schemaRoutes(routes);
        subjectRoutes(routes);
        configRoutes(routes);
        modeRoutes(routes);
        errorHandlers(routes);
    }

    private void schemaRoutes(RoutesConfig routes) {
        SchemaRegistryService schemas = operations.schemas();
        routes.get("/schemas/types", ctx -> ok(ctx, json.strings(schemas.schemaTypes())));
        routes.get("/schemas/ids/{id}", ctx -> ok(ctx, json.schemaById(schemas.schemaById(ctx.pathParam("id")))));
        routes.get(
                "/schemas/ids/{id}/schema",
                ctx -> ok(ctx, schemas.schemaById(ctx.pathParam("id")).schema()));
        routes.get(
                "/schemas/ids/{id}/versions",
                ctx -> ok(ctx, json.versions(schemas.versionsOfSchema(ctx.pathParam("id"), flag(ctx, "deleted")))));
        routes.get(
                "/schemas/ids/{id}/subjects",
                ctx -> ok(
                        ctx,
                        json.strings(schemas.versionsOfSchema(ctx.pathParam("id"), flag(ctx, "deleted")).stream()
                                .map(RegistryState.Version::subject)
                                .distinct()
                                .toList())));
    }

    private void subjectRoutes(RoutesConfig routes) {
        SchemaRegistryService schemas = operations.schemas();
        routes.get("/subjects", ctx -> ok(ctx, json.strings(schemas.subjects(flag(ctx, "deleted")))));
        routes.post(
                "/subjects/{subject}",
                ctx -> ok(
                        ctx,
                        json.subjectSchema(schemas.lookup(
                                subject(ctx),
                                json.schemaRequest(ctx.body()),
                                flag(ctx, "normalize"),
                                flag(ctx, "deleted")))));
        routes.delete(
                "/subjects/{subject}",
                ctx -> ok(
                        ctx, json.integers(operations.deletion().deleteSubject(subject(ctx), flag(ctx, "permanent")))));
        routes.get(
                "/subjects/{subject}/versions",
                ctx -> ok(ctx, json.integers(schemas.versions(subject(ctx), flag(ctx, "deleted")))));
        routes.post("/subjects/{subject}/versions", ctx -> {
            int id = operations
                    .registration()
                    .register(subject(ctx), json.schemaRequest(ctx.body()), flag(ctx, "normalize"));
            ok(ctx, json.object().put("id", id));
        });
        routes.get(
                "/subjects/{subject}/versions/{version}",
                ctx -> ok(ctx, json.subjectSchema(schemas.version(subject(ctx), version(ctx), flag(ctx, "deleted")))));
        routes.get(
                "/subjects/{subject}/versions/{version}/schema",
                ctx -> ok(
                        ctx,
                        schemas.version(subject(ctx), version(ctx), flag(ctx, "deleted"))
                                .content()
                                .schema()));
        routes.get(
                "/subjects/{subject}/versions/{version}/referencedby",
                ctx -> ok(ctx, json.integers(schemas.referencedBy(subject(ctx), version(ctx)))));
        routes.delete("/subjects/{subject}/versions/{version}", ctx -> {
            int deleted = operations.deletion().deleteVersion(subject(ctx), version(ctx), flag(ctx, "permanent"));
            ok(ctx, Integer.toString(deleted));
        });
        routes.post("/compatibility/subjects/{subject}/versions/{version}", ctx -> compatibility(ctx, version(ctx)));
        routes.post("/compatibility/subjects/{subject}/versions", ctx -> compatibility(ctx, null));
    }

    private void compatibility(Context ctx, String version) {
        boolean verbose = flag(ctx, "verbose");
        SchemaRegistration.Check check = operations
                .registration()
                .check(subject(ctx), version, json.schemaRequest(ctx.body()), flag(ctx, "normalize"), verbose);
        ok(ctx, json.compatibility(check, verbose));
    }

    private void configRoutes(RoutesConfig routes) {
        RegistryConfiguration configuration = operations.configuration();
        routes.get("/config", ctx -> ok(ctx, json.config(configuration.globalConfig(), "compatibilityLevel")));
        routes.put("/config", ctx -> ok(ctx, setConfig(ctx, null)));
        routes.delete("/config", ctx -> ok(ctx, json.config(configuration.deleteConfig(null), "compatibilityLevel")));
        routes.get(
                "/config/{subject}",
                ctx -> ok(
                        ctx,
                        json.config(
                                configuration.subjectConfig(subject(ctx), flag(ctx, "defaultToGlobal")),
                                "compatibilityLevel")));
        routes.put("/config/{subject}", ctx -> ok(ctx, setConfig(ctx, subject(ctx))));
        routes.delete(
                "/config/{subject}",
                ctx -> ok(ctx, json.config(configuration.deleteConfig(subject(ctx)), "compatibilityLevel")));
    }

    private JsonNode setConfig(Context ctx, String subject) {
        JsonNode body = json.read(ctx.body());
        return json.config(
                operations.configuration().setConfig(subject, json.compatibility(body), json.normalize(body)),
                "compatibility");
    }

    private void modeRoutes(RoutesConfig routes) {
        RegistryConfiguration configuration = operations.configuration();
        routes.get("/mode", ctx -> ok(ctx, json.mode(configuration.globalMode())));
        routes.put("/mode", ctx -> ok(ctx, setMode(ctx, null)));
        routes.delete("/mode", ctx -> ok(ctx, json.mode(configuration.deleteMode(null))));
        routes.get(
                "/mode/{subject}",
                ctx -> ok(ctx, json.mode(configuration.subjectMode(subject(ctx), flag(ctx, "defaultToGlobal")))));
        routes.put("/mode/{subject}", ctx -> ok(ctx, setMode(ctx, subject(ctx))));
        routes.delete("/mode/{subject}", ctx -> ok(ctx, json.mode(configuration.deleteMode(subject(ctx)))));
    }

    private JsonNode setMode(Context ctx, String subject) {
        String mode = json.mode(json.read(ctx.body()));
        return json.mode(operations.configuration().setMode(subject, mode, flag(ctx, "force")));
    }

    private void errorHandlers(RoutesConfig routes) {
        routes.exception(RegistryException.class, (e, ctx) -> {
            if (e.error().httpStatus() >= 500) {
                LOG.warn("{} {} failed: {}", ctx.method(), ctx.path(), e.getMessage(), e.getCause());
            }
            if (e.error() == RegistryError.UNAUTHORIZED) {
                ctx.header("WWW-Authenticate", BasicAuthentication.CHALLENGE);
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

    private static String subject(Context ctx) {
        return ctx.pathParam("subject");
    }

    private static String version(Context ctx) {
        return ctx.pathParam("version");
    }

    private static boolean flag(Context ctx, String name) {
        return "true".equalsIgnoreCase(ctx.queryParam(name));
    }

    private void unmatched(Context ctx, int status) {
        if (ctx.attribute(ERROR_WRITTEN) == null) {
            error(ctx, status, status, "Cannot " + ctx.method() + " " + ctx.path() + ": HTTP " + status);
        }
    }

    private void ok(Context ctx, JsonNode body) {
        ok(ctx, json.write(body));
    }

    /** A body that is already JSON text, such as a schema. */
    private static void ok(Context ctx, String body) {
        ctx.status(200).contentType(CONTENT_TYPE).result(body);
    }

    private void error(Context ctx, int status, int code, String message) {
        ctx.attribute(ERROR_WRITTEN, Boolean.TRUE);
        ctx.status(status)
                .contentType(CONTENT_TYPE)
                .result(json.write(json.object().put("error_code", code).put("message", message)));
    }
}
