package dev.floe.it.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.deploy.registry.SchemaRegistrySettings;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.registry.HttpSchemaRegistryClient;
import dev.floe.registry.RegisteredSchema;
import dev.floe.registry.RegistryAuthenticationException;
import dev.floe.registry.RegistryClientConfig;
import dev.floe.registry.RegistryCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** A registry configured with users refuses everyone else as Confluent's does: 401 with a JSON error body. */
@ExtendWith(EmbeddedServersExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryAuthenticationIT {
    private static final String SCHEMA =
            "{\"type\":\"record\",\"name\":\"Guarded\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}";

    private EmbeddedSchemaRegistry registry;

    @BeforeAll
    void startGuardedRegistry(EmbeddedKafkaBroker broker) {
        registry = EmbeddedSchemaRegistry.start(SchemaRegistrySettings.of(broker.bootstrapServers())
                .withTopic("_schemas_guarded")
                .withUsers(Map.of("floe", "s3cret", "reader", "other")));
    }

    @AfterAll
    void stopGuardedRegistry() {
        registry.close();
    }

    private HttpSchemaRegistryClient client(RegistryCredentials credentials) {
        return new HttpSchemaRegistryClient(
                RegistryClientConfig.of(registry.url()).withCredentials(credentials));
    }

    @Test
    void theClientReportsRefusedCredentialsAsAnAuthenticationFailure() {
        try (HttpSchemaRegistryClient wrong = client(new RegistryCredentials.Basic("floe", "wrong"));
                HttpSchemaRegistryClient none = client(RegistryCredentials.NONE)) {
            assertThatThrownBy(() -> wrong.register("guarded-value", RegisteredSchema.AVRO, SCHEMA, List.of()))
                    .isInstanceOfSatisfying(
                            RegistryAuthenticationException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(401))
                    .hasMessageContaining("refused")
                    .hasMessageContaining("HTTP 401")
                    .hasMessageNotContaining("wrong");
            assertThatThrownBy(() -> none.schemaById(1)).isInstanceOf(RegistryAuthenticationException.class);
        }
    }

    @Test
    void theRightCredentialsWork() {
        try (HttpSchemaRegistryClient client = client(new RegistryCredentials.Basic("floe", "s3cret"))) {
            int id = client.register("guarded-value", RegisteredSchema.AVRO, SCHEMA, List.of());
            assertThat(client.schemaById(id).schema()).contains("Guarded");
        }
    }

    @Test
    void aRefusalIsConfluentsJsonErrorWithABasicChallenge() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String unknownUser =
                "Basic " + Base64.getEncoder().encodeToString("mallory:s3cret".getBytes(StandardCharsets.UTF_8));
        for (String authorization : List.of("", "Bearer abc", unknownUser, "Basic !!!")) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registry.url() + "/subjects"));
            if (!authorization.isEmpty()) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(authorization).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(challenge -> assertThat(challenge).startsWith("Basic realm="));
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith(RegistryHttp.CONTENT_TYPE));
            RegistryHttp.Response body = new RegistryHttp.Response(401, "", response.body());
            assertThat(body.errorCode()).isEqualTo(401);
            assertThat(body.json().get("message").asText()).startsWith("Cannot GET /subjects: ");
        }
    }
}
