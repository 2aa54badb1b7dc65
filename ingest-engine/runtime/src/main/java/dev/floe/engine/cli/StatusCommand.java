package dev.floe.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code floe status}: what a running Floe's pipelines are doing, read from its HTTP API. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Shows the pipelines of a running Floe, read from its HTTP API: state, records, lag,",
            "checkpoints, commits per table and dead letters.",
            "Exit codes: 0 every pipeline is running, 1 one is not (or the API cannot be reached), 2 bad usage."
        })
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    ApiConnection api;

    @Option(names = "--json", description = "Print the API's JSON as it is, for scripts")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        URI endpoint = api.endpoint("/api/pipelines");
        HttpResponse<String> response;
        try {
            response =
                    api.send(api.request(endpoint, Duration.ofSeconds(10)).GET().build());
        } catch (IOException e) {
            err.println("floe: Cannot read the status from " + endpoint + ": " + e);
            err.flush();
            return FloeCli.EXIT_FAILURE;
        }
        if (response.statusCode() != 200) {
            err.println("floe: Cannot read the status from " + endpoint + ": HTTP " + response.statusCode() + " "
                    + response.body());
            err.flush();
            return FloeCli.EXIT_FAILURE;
        }
        JsonNode pipelines;
        try {
            pipelines = new ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            err.println("floe: " + endpoint + " did not answer with JSON: " + e.getMessage());
            err.flush();
            return FloeCli.EXIT_FAILURE;
        }
        if (json) {
            out.println(response.body());
        } else {
            print(pipelines, out);
        }
        out.flush();
        boolean allRunning = true;
        for (JsonNode pipeline : pipelines) {
            allRunning &= pipeline.path("state").asText().equals("RUNNING");
        }
        return allRunning ? 0 : FloeCli.EXIT_FAILURE;
    }

    private static void print(JsonNode pipelines, PrintWriter out) {
        String format = "%-24s %-9s %-5s %14s %14s %10s %12s %10s%n";
        out.printf(format, "PIPELINE", "STATE", "HELD", "RECORDS IN", "DEAD LETTERS", "LAG", "COMMITTED", "CP FAILED");
        for (JsonNode pipeline : pipelines) {
            long recordsIn = 0;
            for (JsonNode operator : pipeline.path("operators")) {
                recordsIn += operator.path("recordsIn").asLong();
            }
            long lag = 0;
            for (JsonNode partition : pipeline.path("lag")) {
                lag += partition.path("lag").asLong();
            }
            out.printf(
                    format,
                    pipeline.path("id").asText(),
                    pipeline.path("state").asText(),
                    pipeline.path("held").asBoolean() ? "yes" : "no",
                    recordsIn,
                    pipeline.path("deadLetters").path("total").asLong(),
                    lag,
                    pipeline.path("checkpoints").path("lastCommitted").asLong(),
                    pipeline.path("checkpoints").path("failed").asLong());
            if (!pipeline.path("failure").isNull() && pipeline.has("failure")) {
                out.println("    failure: " + pipeline.path("failure").asText());
            }
            for (JsonNode table : pipeline.path("tables")) {
                out.printf(
                        "    table %s: %d commits, %d rows, %d files, last checkpoint %d%s%n",
                        table.path("table").asText(),
                        table.path("commits").asLong(),
                        table.path("records").asLong(),
                        table.path("files").asLong(),
                        table.path("lastCheckpointId").asLong(),
                        table.path("failures").asLong() > 0
                                ? ", " + table.path("failures").asLong() + " failed attempts (last: "
                                        + table.path("lastFailure").asText() + ")"
                                : "");
            }
        }
    }
}
