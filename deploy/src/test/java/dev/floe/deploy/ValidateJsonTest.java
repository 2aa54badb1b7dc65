package dev.floe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.engine.cli.FloeCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code floe validate --json}: one document a script can read, for a valid file and a broken one. */
class ValidateJsonTest {
    private static final String BASE = """
            kafka:
              bootstrapServers: localhost:9092
            schemaRegistry:
              url: http://localhost:8081
            catalog:
              type: jdbc
              uri: jdbc:sqlite:/tmp/catalog.db
            """;

    @TempDir
    Path directory;

    private record Result(int code, JsonNode document, String err) {}

    private Result validate(String yaml) throws Exception {
        Path file = directory.resolve("floe.yaml");
        Files.writeString(file, yaml);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FloeCli.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute("validate", "--config", file.toString(), "--json");
        assertThat(out.toString().lines())
                .as("one line of JSON; stderr: %s", err)
                .hasSize(1);
        return new Result(code, new ObjectMapper().readTree(out.toString()), err.toString());
    }

    @Test
    void aValidFileIsOneDocumentNamingItsPipelines() throws Exception {
        Result result = validate(BASE + """
                pipelines:
                  - id: orders
                    source:
                      topics: [orders]
                    sink:
                      table: sales.orders
                """);

        assertThat(result.code).isZero();
        assertThat(result.document.path("valid").asBoolean()).isTrue();
        assertThat(result.document.path("config").asText()).endsWith("floe.yaml");
        assertThat(result.document.path("problems")).isEmpty();
        assertThat(result.document.path("pipelines").toString()).isEqualTo("[\"orders\"]");
        assertThat(result.document.has("checks")).as("only with --connect").isFalse();
    }

    @Test
    void aBrokenFileListsEveryProblemWithItsLinePathValueAndRedactsSecrets() throws Exception {
        Result result = validate(BASE + """
                http:
                  port: 70000
                  token: short
                pipelines:
                  - id: orders
                    sourse:
                      topics: [orders]
                    sink:
                      table: sales.orders
                """);

        assertThat(result.code).isEqualTo(FloeCli.EXIT_USAGE);
        assertThat(result.err).as("nothing but the document").isEmpty();
        JsonNode document = result.document;
        assertThat(document.path("valid").asBoolean()).isFalse();
        JsonNode port = problem(document, "http.port");
        assertThat(port.path("file").asText()).endsWith("floe.yaml");
        assertThat(port.path("line").asInt()).isEqualTo(9);
        assertThat(port.path("value").asText()).isEqualTo("70000");
        assertThat(port.path("message").asText()).contains("between 0 and 65535");
        JsonNode token = problem(document, "http.token");
        assertThat(token.path("line").asInt()).isEqualTo(10);
        assertThat(token.path("value").asText()).isEqualTo("<redacted>");
        assertThat(token.path("message").asText()).contains("at least 16 characters");
        JsonNode unknown = problem(document, "pipelines[0].sourse");
        // the loader reports the line of the unknown key's value: a nested mapping starts a line below the key
        assertThat(unknown.path("line").asInt()).isEqualTo(14);
        assertThat(unknown.has("value")).isFalse();
        assertThat(unknown.path("message").asText()).contains("did you mean 'source'?");
        assertThat(problem(document, "pipelines[0].source").path("message").asText())
                .contains("missing required key");
    }

    private static JsonNode problem(JsonNode document, String path) {
        for (JsonNode problem : document.path("problems")) {
            if (problem.path("path").asText().equals(path)) {
                return problem;
            }
        }
        throw new AssertionError("no problem at " + path + " in " + document);
    }
}
