package dev.floe.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.registry.TestingRegistryServer.Request;
import dev.floe.registry.TestingRegistryServer.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every REST operation: the request it sends (method, path, body) and how it reads the answer. */
class HttpSchemaRegistryClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDER = "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[]}";
    /** Needs every escape: a space, a slash, a non-ASCII letter, a plus. */
    private static final String ODD_SUBJECT = "orders value/é+1";

    private static final String ODD_SUBJECT_PATH = "orders%20value%2F%C3%A9%2B1";

    private TestingRegistryServer server;
    private HttpSchemaRegistryClient client;

    @BeforeEach
    void start() throws IOException {
        server = TestingRegistryServer.http();
        client = new HttpSchemaRegistryClient(
                RegistryClientConfig.of(server.url().toString())
                        .withRetries(1, Duration.ofMillis(1), Duration.ofMillis(2)));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void getsASchemaById() {
        server.route(
                "GET",
                "/schemas/ids/7",
                Response.json("{\"schema\":" + quoted(ORDER)
                        + ",\"references\":[{\"name\":\"com.x.Money\",\"subject\":\"money\",\"version\":2}]}"));

        RegisteredSchema schema = client.schemaById(7);

        assertThat(schema)
                .isEqualTo(new RegisteredSchema(
                        7, "AVRO", ORDER, List.of(new SchemaReference("com.x.Money", "money", 2))));
        Request request = server.onlyRequest();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.header("Accept")).contains(TestingRegistryServer.CONTENT_TYPE);
    }

    @Test
    void readsTheSchemaTypeOfNonAvroSchemas() {
        server.route("GET", "/schemas/ids/8", Response.json("{\"schema\":\"{}\",\"schemaType\":\"JSON\"}"));

        assertThat(client.schemaById(8).schemaType()).isEqualTo("JSON");
    }

    @Test
    void listsSchemaTypesSubjectsAndVersions() {
        server.route("GET", "/schemas/types", Response.json("[\"JSON\",\"PROTOBUF\",\"AVRO\"]"));
        server.route("GET", "/subjects", Response.json("[\"a-value\",\"b-key\"]"));
        server.route("GET", "/subjects/" + ODD_SUBJECT_PATH + "/versions", Response.json("[1,2,5]"));

        assertThat(client.schemaTypes()).containsExactly("JSON", "PROTOBUF", "AVRO");
        assertThat(client.subjects()).containsExactly("a-value", "b-key");
        assertThat(client.versions(ODD_SUBJECT)).containsExactly(1, 2, 5);
    }

    @Test
    void getsAVersionAndTheLatestVersionOfASubjectWithItsNameEncoded() {
        String answer =
                "{\"subject\":\"" + ODD_SUBJECT + "\",\"version\":3,\"id\":11,\"schema\":" + quoted(ORDER) + "}";
        server.route("GET", "/subjects/" + ODD_SUBJECT_PATH + "/versions/3", Response.json(answer));
        server.route("GET", "/subjects/" + ODD_SUBJECT_PATH + "/versions/latest", Response.json(answer));

        SubjectVersion expected =
                new SubjectVersion(ODD_SUBJECT, 3, new RegisteredSchema(11, "AVRO", ORDER, List.of()));
        assertThat(client.version(ODD_SUBJECT, 3)).isEqualTo(expected);
        assertThat(client.latestVersion(ODD_SUBJECT)).isEqualTo(expected);
    }

    @Test
    void registersAnAvroSchemaWithoutASchemaTypeAndWithItsReferences() throws IOException {
        server.route("POST", "/subjects/orders-value/versions", Response.json("{\"id\":42}"));

        int id =
                client.register("orders-value", "AVRO", ORDER, List.of(new SchemaReference("com.x.Money", "money", 2)));

        assertThat(id).isEqualTo(42);
        Request request = server.onlyRequest();
        assertThat(request.header("Content-Type")).isEqualTo(TestingRegistryServer.CONTENT_TYPE);
        assertThat(JSON.readTree(request.body()))
                .isEqualTo(JSON.readTree("{\"schema\":" + quoted(ORDER)
                        + ",\"references\":[{\"name\":\"com.x.Money\",\"subject\":\"money\",\"version\":2}]}"));
    }

    @Test
    void registersOtherSchemaTypesWithTheirType() throws IOException {
        server.route("POST", "/subjects/events-value/versions", Response.json("{\"id\":43}"));

        assertThat(client.register("events-value", "JSON", "{\"type\":\"object\"}", List.of()))
                .isEqualTo(43);
        assertThat(JSON.readTree(server.onlyRequest().body()))
                .isEqualTo(JSON.readTree("{\"schema\":\"{\\\"type\\\":\\\"object\\\"}\",\"schemaType\":\"JSON\"}"));
    }

    @Test
    void looksUpTheVersionHoldingASchema() throws IOException {
        server.route(
                "POST",
                "/subjects/" + ODD_SUBJECT_PATH,
                Response.json("{\"subject\":\"" + ODD_SUBJECT + "\",\"version\":2,\"id\":9,\"schema\":" + quoted(ORDER)
                        + "}"));

        SubjectVersion found = client.lookup(ODD_SUBJECT, "AVRO", ORDER, List.of());

        assertThat(found)
                .isEqualTo(new SubjectVersion(ODD_SUBJECT, 2, new RegisteredSchema(9, "AVRO", ORDER, List.of())));
        assertThat(JSON.readTree(server.onlyRequest().body()))
                .isEqualTo(JSON.readTree("{\"schema\":" + quoted(ORDER) + "}"));
    }

    @Test
    void checksCompatibilityAgainstAVersionAndTheLatest() throws IOException {
        server.route(
                "POST",
                "/compatibility/subjects/orders-value/versions/4?verbose=true",
                Response.json("{\"is_compatible\":false,\"messages\":[\"reader field x has no default\"]}"));
        server.route(
                "POST",
                "/compatibility/subjects/orders-value/versions/latest?verbose=true",
                Response.json("{\"is_compatible\":true}"));

        assertThat(client.compatibility("orders-value", 4, "AVRO", ORDER, List.of()))
                .isEqualTo(new CompatibilityResult(false, List.of("reader field x has no default")));
        assertThat(client.compatibilityWithLatest("orders-value", "AVRO", ORDER, List.of()))
                .isEqualTo(new CompatibilityResult(true, List.of()));
        for (Request request : server.requests()) {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(JSON.readTree(request.body())).isEqualTo(JSON.readTree("{\"schema\":" + quoted(ORDER) + "}"));
        }
    }

    @Test
    void getsAndSetsTheGlobalCompatibilityLevel() throws IOException {
        server.route("GET", "/config", Response.json("{\"compatibilityLevel\":\"BACKWARD\"}"));
        server.route("PUT", "/config", Response.json("{\"compatibility\":\"FULL_TRANSITIVE\"}"));

        assertThat(client.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(client.setGlobalCompatibility(CompatibilityLevel.FULL_TRANSITIVE))
                .isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(JSON.readTree(server.requests().get(1).body()))
                .isEqualTo(JSON.readTree("{\"compatibility\":\"FULL_TRANSITIVE\"}"));
    }

    @Test
    void getsSetsAndDeletesTheCompatibilityLevelOfASubject() throws IOException {
        server.route("GET", "/config/" + ODD_SUBJECT_PATH, Response.json("{\"compatibilityLevel\":\"NONE\"}"));
        server.route("PUT", "/config/" + ODD_SUBJECT_PATH, Response.json("{\"compatibility\":\"FORWARD\"}"));
        server.route("DELETE", "/config/" + ODD_SUBJECT_PATH, Response.json("{\"compatibilityLevel\":\"FORWARD\"}"));

        assertThat(client.subjectCompatibility(ODD_SUBJECT)).contains(CompatibilityLevel.NONE);
        assertThat(client.setSubjectCompatibility(ODD_SUBJECT, CompatibilityLevel.FORWARD))
                .isEqualTo(CompatibilityLevel.FORWARD);
        client.deleteSubjectCompatibility(ODD_SUBJECT);

        assertThat(server.requests()).extracting(Request::method).containsExactly("GET", "PUT", "DELETE");
        assertThat(JSON.readTree(server.requests().get(1).body()))
                .isEqualTo(JSON.readTree("{\"compatibility\":\"FORWARD\"}"));
    }

    @Test
    void aSubjectWithoutItsOwnCompatibilityLevelOrModeHasNone() {
        server.route(
                "GET",
                "/config/orders-value",
                Response.error(
                        404, 40408, "Subject 'orders-value' does not have subject-level compatibility configured"));
        server.route(
                "GET",
                "/mode/orders-value",
                Response.error(404, 40409, "Subject 'orders-value' does not have subject-level mode configured"));

        assertThat(client.subjectCompatibility("orders-value")).isEqualTo(Optional.empty());
        assertThat(client.subjectMode("orders-value")).isEqualTo(Optional.empty());
    }

    @Test
    void getsAndSetsModes() throws IOException {
        server.route("GET", "/mode", Response.json("{\"mode\":\"READWRITE\"}"));
        server.route("PUT", "/mode", Response.json("{\"mode\":\"READONLY\"}"));
        server.route("GET", "/mode/" + ODD_SUBJECT_PATH, Response.json("{\"mode\":\"IMPORT\"}"));
        server.route("PUT", "/mode/" + ODD_SUBJECT_PATH, Response.json("{\"mode\":\"READONLY_OVERRIDE\"}"));

        assertThat(client.globalMode()).isEqualTo(RegistryMode.READWRITE);
        assertThat(client.setGlobalMode(RegistryMode.READONLY)).isEqualTo(RegistryMode.READONLY);
        assertThat(client.subjectMode(ODD_SUBJECT)).contains(RegistryMode.IMPORT);
        assertThat(client.setSubjectMode(ODD_SUBJECT, RegistryMode.READONLY_OVERRIDE))
                .isEqualTo(RegistryMode.READONLY_OVERRIDE);

        assertThat(JSON.readTree(server.requests().get(1).body())).isEqualTo(JSON.readTree("{\"mode\":\"READONLY\"}"));
        assertThat(JSON.readTree(server.requests().get(3).body()))
                .isEqualTo(JSON.readTree("{\"mode\":\"READONLY_OVERRIDE\"}"));
    }

    @Test
    void anAnswerThatIsNoKnownLevelIsARequestError() {
        server.route("GET", "/config", Response.json("{\"compatibilityLevel\":\"SOMETIMES\"}"));

        assertThat(org.assertj.core.api.Assertions.catchThrowable(client::globalCompatibility))
                .isInstanceOf(RegistryRequestException.class)
                .hasMessage("Cannot get the global compatibility level: the registry answered SOMETIMES, not one of"
                        + " [NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE]");
    }

    @Test
    void deletesSubjectsAndVersionsSoftlyOrPermanently() {
        server.route("DELETE", "/subjects/" + ODD_SUBJECT_PATH, Response.json("[1,2]"));
        server.route("DELETE", "/subjects/" + ODD_SUBJECT_PATH + "?permanent=true", Response.json("[1,2]"));
        server.route("DELETE", "/subjects/" + ODD_SUBJECT_PATH + "/versions/2", Response.json("2"));
        server.route("DELETE", "/subjects/" + ODD_SUBJECT_PATH + "/versions/2?permanent=true", Response.json("2"));

        assertThat(client.deleteSubject(ODD_SUBJECT, Deletion.SOFT)).containsExactly(1, 2);
        assertThat(client.deleteSubject(ODD_SUBJECT, Deletion.PERMANENT)).containsExactly(1, 2);
        assertThat(client.deleteVersion(ODD_SUBJECT, 2, Deletion.SOFT)).isEqualTo(2);
        assertThat(client.deleteVersion(ODD_SUBJECT, 2, Deletion.PERMANENT)).isEqualTo(2);

        assertThat(server.requests()).extracting(Request::method).containsOnly("DELETE");
        assertThat(server.requests()).extracting(Request::body).containsOnly("");
    }

    @Test
    void sendsTheConfiguredHeadersAndCredentials() {
        server.route("GET", "/subjects", Response.json("[]"));
        try (HttpSchemaRegistryClient authenticated = new HttpSchemaRegistryClient(
                RegistryClientConfig.of(server.url().toString())
                        .withCredentials(new RegistryCredentials.Basic("alice", "s3cret"))
                        .withHeaders(Map.of("X-Tenant", "blue")))) {
            authenticated.subjects();
        }
        try (HttpSchemaRegistryClient bearer = new HttpSchemaRegistryClient(
                RegistryClientConfig.of(server.url().toString())
                        .withCredentials(new RegistryCredentials.Bearer("tok")))) {
            bearer.subjects();
        }

        assertThat(server.requests().get(0).header("Authorization")).isEqualTo("Basic YWxpY2U6czNjcmV0");
        assertThat(server.requests().get(0).header("X-Tenant")).isEqualTo("blue");
        assertThat(server.requests().get(1).header("Authorization")).isEqualTo("Bearer tok");
    }

    @Test
    void aBaseUrlWithAPathKeepsIt() {
        server.route("GET", "/registry/subjects", Response.json("[\"x\"]"));
        try (HttpSchemaRegistryClient prefixed =
                new HttpSchemaRegistryClient(RegistryClientConfig.of(server.url() + "/registry/"))) {
            assertThat(prefixed.subjects()).containsExactly("x");
        }
    }

    private static String quoted(String text) {
        JsonNode node = JSON.getNodeFactory().textNode(text);
        return node.toString();
    }
}
