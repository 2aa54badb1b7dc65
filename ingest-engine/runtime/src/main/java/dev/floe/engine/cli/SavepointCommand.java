package dev.floe.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code floe savepoint}: asks a running Floe for a savepoint of one pipeline, over its HTTP API. */
@Command(
        name = "savepoint",
        mixinStandardHelpOptions = true,
        description = {
            "Takes a savepoint of a pipeline of a running Floe, through its HTTP API, and prints its path.",
            "The savepoint is written once its checkpoint is committed to every table; restart from it with",
            "floe run --from-savepoint PATH (at another parallelism if need be). Floe never deletes it.",
            "Exit codes: 0 taken, 1 not taken (or the API cannot be reached), 2 bad usage."
        })
public final class SavepointCommand implements Callable<Integer> {
    @Option(
            names = {"-p", "--pipeline"},
            required = true,
            paramLabel = "ID",
            description = "The pipeline to take the savepoint of")
    String pipeline;

    @Option(
            names = {"-t", "--target"},
            paramLabel = "DIR",
            description = {
                "The directory (or s3://bucket/prefix) to write the savepoint into",
                "(default: the running Floe's checkpoints.savepoints)"
            })
    String target;

    @Option(
            names = "--and-stop",
            description = "Stop the pipeline with the savepoint's checkpoint as its last one (stop-with-savepoint)")
    boolean andStop;

    @Mixin
    ApiConnection api;

    @Option(
            names = "--timeout",
            defaultValue = "15m",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long to wait for the savepoint (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--json", description = "Print the API's JSON answer as it is, for scripts")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectMapper mapper = new ObjectMapper();
        URI endpoint =
                api.endpoint("/api/pipelines/" + URLEncoder.encode(pipeline, StandardCharsets.UTF_8) + "/savepoints");
        ObjectNode body = mapper.createObjectNode().put("stop", andStop);
        if (target != null) {
            body.put("target", target);
        }
        HttpRequest request = api.request(endpoint, timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<String> response;
        try {
            response = api.send(request);
        } catch (IOException e) {
            err.println("floe: Cannot take a savepoint of pipeline " + pipeline + " through " + endpoint + ": " + e);
            err.flush();
            return FloeCli.EXIT_FAILURE;
        }
        JsonNode answer;
        try {
            answer = mapper.readTree(response.body());
        } catch (IOException e) {
            answer = null;
        }
        if (response.statusCode() != 200) {
            String message = answer != null && answer.hasNonNull("message")
                    ? answer.get("message").asText()
                    : "HTTP " + response.statusCode() + " " + response.body();
            err.println("floe: " + message);
            err.flush();
            return response.statusCode() == 400 ? FloeCli.EXIT_USAGE : FloeCli.EXIT_FAILURE;
        }
        if (answer == null || !answer.hasNonNull("path")) {
            err.println("floe: " + endpoint + " did not answer with a savepoint: " + response.body());
            err.flush();
            return FloeCli.EXIT_FAILURE;
        }
        if (json) {
            out.println(response.body());
        } else {
            out.println(answer.get("path").asText());
        }
        out.flush();
        return 0;
    }
}
