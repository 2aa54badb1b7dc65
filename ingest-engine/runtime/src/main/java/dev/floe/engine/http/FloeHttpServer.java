package dev.floe.engine.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.engine.FloeRuntime;
import dev.floe.engine.checkpoint.CheckpointCoordinator;
import dev.floe.engine.checkpoint.SavepointLocation;
import dev.floe.engine.config.CheckpointConfig;
import dev.floe.engine.config.CheckpointLocation;
import dev.floe.engine.config.HttpConfig;
import dev.floe.engine.pipeline.Pipeline;
import dev.floe.engine.pipeline.PipelineSupervisor;
import dev.floe.engine.spi.service.CompactionInProgressException;
import dev.floe.engine.spi.service.CompactionRequest;
import dev.floe.engine.spi.service.TableCompactions;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.ConflictResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.staticfiles.Location;
import io.javalin.router.EndpointNotFound;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Floe's HTTP server: health, the pipelines' status and actions, Prometheus metrics and the
 * dashboard, on Javalin (Jetty). Endpoints are documented in docs/operations.md.
 */
public final class FloeHttpServer implements AutoCloseable {
    /** Where the dashboard is served. */
    static final String DASHBOARD = "/dashboard";
    /** Where the build puts the dashboard's files on the class path. */
    private static final String DASHBOARD_RESOURCES = "/floe-dashboard";

    private static final Logger LOG = LoggerFactory.getLogger(FloeHttpServer.class);
    private static final String JSON = "application/json";

    private final FloeRuntime runtime;
    private final StatusReport status;
    private final TableReport tables;
    private final BearerAuthentication authentication;
    private final ObjectMapper json = new ObjectMapper();
    private final Javalin http;
    private final String url;

    private FloeHttpServer(FloeRuntime runtime, HttpConfig config, Clock clock) {
        this.runtime = runtime;
        this.status = new StatusReport(runtime, clock, json);
        this.tables = new TableReport(json);
        this.authentication = new BearerAuthentication(config.token(), config.anonymousRead());
        this.http = Javalin.create(this::configure);
        try {
            http.start(config.host(), config.port());
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "Cannot start the HTTP API on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        String host = config.host().equals("0.0.0.0") ? "localhost" : config.host();
        this.url = "http://" + host + ":" + http.port();
    }

    /** Starts serving {@code runtime}; fails when the port cannot be bound. */
    public static FloeHttpServer start(FloeRuntime runtime, HttpConfig config, Clock clock) {
        FloeHttpServer server = new FloeHttpServer(runtime, config, clock);
        LOG.info(
                "HTTP API at {} (dashboard {}{}/, metrics {}/metrics, {})",
                server.url,
                server.url,
                DASHBOARD,
                server.url,
                config.token() == null
                        ? "no token"
                        : config.anonymousRead() ? "bearer token for actions" : "bearer token required");
        return server;
    }

    /** The server's base URL, such as {@code http://localhost:8080}. */
    public String url() {
        return url;
    }

    public int port() {
        return http.port();
    }

    private void configure(JavalinConfig config) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.router.ignoreTrailingSlashes = true;
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("floe-http");
        threads.setDaemon(true);
        config.jetty.threadPool = threads;
        if (FloeHttpServer.class.getResource(DASHBOARD_RESOURCES + "/index.html") != null) {
            config.staticFiles.add(files -> {
                files.hostedPath = DASHBOARD;
                files.directory = DASHBOARD_RESOURCES;
                files.location = Location.CLASSPATH;
            });
        }

        RoutesConfig routes = config.routes;
        routes.before(authentication::authenticate);
        routes.get("/", ctx -> ctx.redirect(DASHBOARD + "/"));
        routes.get("/health/live", ctx -> json(ctx, json.createObjectNode().put("status", "UP")));
        routes.get("/health/ready", this::ready);
        routes.get("/metrics", this::metrics);
        routes.get("/api/pipelines", ctx -> json(ctx, status.pipelines()));
        routes.get("/api/pipelines/{id}", ctx -> json(ctx, status.pipeline(supervisor(ctx))));
        routes.post("/api/pipelines/{id}/checkpoints", this::triggerCheckpoint);
        routes.post("/api/pipelines/{id}/savepoints", this::savepoint);
        routes.post("/api/pipelines/{id}/pause", ctx -> hold(ctx, true));
        routes.post("/api/pipelines/{id}/resume", ctx -> hold(ctx, false));
        routes.get("/api/tables", this::tables);
        routes.get("/api/tables/{table}/compactions", ctx -> {
            String table = compactedTable(ctx);
            json(ctx, tables.runs(compactions().recentRuns(table)));
        });
        routes.post("/api/tables/{table}/compactions", this::compact);
        routes.get("/api/tables/{table}/files", ctx -> {
            String table = compactedTable(ctx);
            json(
                    ctx,
                    compactions()
                            .fileSizes(table)
                            .map(tables::fileSizes)
                            .orElseThrow(() -> new NotFoundResponse(
                                    "Cannot count the data files of table " + table + ": it has no snapshot yet")));
        });
        routes.exception(
                EndpointNotFound.class,
                (e, ctx) -> error(ctx, 404, "Cannot " + ctx.method() + " " + ctx.path() + ": no such endpoint"));
        routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "Cannot answer " + ctx.method() + " " + ctx.path() + ": " + e);
        });
    }

    private void ready(Context ctx) {
        List<String> reasons = status.notReadyReasons();
        ObjectNode body = json.createObjectNode();
        body.put("status", reasons.isEmpty() ? "READY" : "NOT_READY");
        reasons.forEach(body.putArray("reasons")::add);
        ctx.status(reasons.isEmpty() ? 200 : 503);
        json(ctx, body);
    }

    private void metrics(Context ctx) {
        String accept = ctx.header("Accept");
        String contentType = accept != null && accept.contains("application/openmetrics-text")
                ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                : "text/plain; version=0.0.4; charset=utf-8";
        ctx.contentType(contentType).result(runtime.metrics().scrape(contentType));
    }

    private void triggerCheckpoint(Context ctx) throws InterruptedException {
        PipelineSupervisor supervisor = supervisor(ctx);
        Pipeline pipeline = supervisor.current();
        long id;
        try {
            if (pipeline == null) {
                throw new IllegalStateException(
                        "Cannot trigger a checkpoint of pipeline " + supervisor.id() + ": it has not started");
            }
            id = pipeline.triggerCheckpoint().get(10, TimeUnit.SECONDS);
        } catch (IllegalStateException e) {
            throw new ConflictResponse(e.getMessage());
        } catch (ExecutionException e) {
            throw new ConflictResponse(e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new ConflictResponse("Cannot trigger a checkpoint of pipeline " + supervisor.id()
                    + ": its coordinator did not answer within 10 s");
        }
        ctx.status(202);
        json(ctx, json.createObjectNode().put("pipeline", supervisor.id()).put("checkpointId", id));
    }

    /**
     * Takes a savepoint; body {@code {"target": "dir or s3://...", "stop": false}}, both optional.
     * Answers once the savepoint's checkpoint is committed and copied, with where it is.
     */
    private void savepoint(Context ctx) {
        PipelineSupervisor supervisor = supervisor(ctx);
        JsonNode body;
        try {
            body = ctx.body().isBlank() ? json.createObjectNode() : json.readTree(ctx.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequestResponse("Cannot take a savepoint of pipeline " + supervisor.id()
                    + ": the request body is not JSON: " + e.getOriginalMessage());
        }
        CheckpointConfig checkpoints = runtime.checkpoints();
        String target = body.path("target").isTextual() ? body.path("target").asText() : checkpoints.savepoints();
        if (target == null || target.isBlank()) {
            throw new BadRequestResponse("Cannot take a savepoint of pipeline " + supervisor.id()
                    + ": the request names no target and checkpoints.savepoints is not configured");
        }
        CheckpointLocation directory;
        try {
            directory = SavepointLocation.directory(target, checkpoints.storage());
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse(
                    "Cannot take a savepoint of pipeline " + supervisor.id() + ": " + e.getMessage());
        }
        boolean stop = body.path("stop").asBoolean(false);
        CompletableFuture<CheckpointCoordinator.TakenSavepoint> taken;
        try {
            taken = stop
                    ? supervisor.stopWithSavepoint(directory, checkpoints.timeout())
                    : supervisor.savepoint(directory);
        } catch (IllegalStateException e) {
            throw new ConflictResponse(e.getMessage());
        }
        // answered when the savepoint is written, without holding a request thread meanwhile
        ctx.future(() -> taken.handle((savepoint, error) -> {
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
                error(ctx, cause instanceof IllegalStateException ? 409 : 500, cause.getMessage());
            } else {
                json(
                        ctx,
                        json.createObjectNode()
                                .put("pipeline", supervisor.id())
                                .put("checkpointId", savepoint.checkpointId())
                                .put("path", savepoint.path())
                                .put("stopped", stop));
            }
            return null;
        }));
    }

    /** The compactor's tables, each with its current file sizes and recent runs. */
    private void tables(Context ctx) {
        var array = json.createArrayNode();
        TableCompactions compactions = runtime.tableCompactions().orElse(null);
        if (compactions != null) {
            for (String table : compactions.tables()) {
                ObjectNode node = array.addObject().put("table", table);
                compactions.fileSizes(table).ifPresent(sizes -> node.set("fileSizes", tables.fileSizes(sizes)));
                node.set("compactions", tables.runs(compactions.recentRuns(table)));
            }
        }
        json(ctx, array);
    }

    /**
     * Compacts a table now and answers what the run did; {@code ?dryRun=true} answers the plan
     * only, and {@code ?partition=} (repeatable) limits the run to those partition paths.
     */
    private void compact(Context ctx) {
        String table = compactedTable(ctx);
        String dryRun = ctx.queryParam("dryRun");
        if (dryRun != null && !dryRun.equals("true") && !dryRun.equals("false")) {
            throw new BadRequestResponse(
                    "Cannot compact table " + table + ": dryRun must be true or false, not '" + dryRun + "'");
        }
        CompactionRequest request = new CompactionRequest("true".equals(dryRun), ctx.queryParams("partition"));
        try {
            json(ctx, tables.run(compactions().compactNow(table, request)));
        } catch (CompactionInProgressException e) {
            throw new ConflictResponse(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new NotFoundResponse(e.getMessage());
        }
    }

    private TableCompactions compactions() {
        return runtime.tableCompactions()
                .orElseThrow(() -> new NotFoundResponse("Cannot compact tables: no compactor runs in this process"
                        + " (compaction.enabled is false or compaction.tables is empty)"));
    }

    /** The path's table, when the compactor keeps it; 404 naming the tables it keeps otherwise. */
    private String compactedTable(Context ctx) {
        String table = ctx.pathParam("table");
        TableCompactions compactions = runtime.tableCompactions()
                .orElseThrow(() -> new NotFoundResponse("Cannot find table '" + table
                        + "': no compactor runs in this process (compaction.enabled is false or"
                        + " compaction.tables is empty)"));
        if (!compactions.tables().contains(table)) {
            throw new NotFoundResponse(
                    "Cannot find table '" + table + "': this process compacts " + compactions.tables());
        }
        return table;
    }

    private void hold(Context ctx, boolean hold) {
        PipelineSupervisor supervisor = supervisor(ctx);
        supervisor.hold(hold);
        json(ctx, status.pipeline(supervisor));
    }

    private PipelineSupervisor supervisor(Context ctx) {
        String id = ctx.pathParam("id");
        return runtime.supervisor(id)
                .orElseThrow(() -> new NotFoundResponse("Cannot find pipeline '" + id + "': this process runs "
                        + runtime.supervisors().stream()
                                .map(PipelineSupervisor::id)
                                .toList()));
    }

    private void json(Context ctx, Object body) {
        try {
            ctx.contentType(JSON).result(json.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the answer to " + ctx.path() + " as JSON", e);
        }
    }

    private void error(Context ctx, int status, String message) {
        ctx.status(status);
        json(ctx, json.createObjectNode().put("status", status).put("message", message));
    }

    @Override
    public void close() {
        http.stop();
    }
}
