package dev.floe.it.registry;

import static dev.floe.it.registry.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.registry.HttpSchemaRegistryClient;
import dev.floe.registry.RegisteredSchema;
import dev.floe.registry.RegistryClientConfig;
import dev.floe.registry.SchemaNotFoundException;
import dev.floe.registry.SubjectVersion;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaFormatter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/** The registry over its REST API, as Confluent's clients call it. */
@ExtendWith(EmbeddedServersExtension.class)
class SchemaRegistryApiIT {
    private static final String V1 =
            "{\"type\":\"record\",\"name\":\"Click\",\"namespace\":\"dev.floe.it\",\"fields\":[{\"name\":\"url\",\"type\":\"string\"}]}";
    private static final String V2 =
            "{\"type\":\"record\",\"name\":\"Click\",\"namespace\":\"dev.floe.it\",\"fields\":["
                    + "{\"name\":\"url\",\"type\":\"string\"},{\"name\":\"ms\",\"type\":\"long\",\"default\":0}]}";

    private final RegistryHttp http;
    private final EmbeddedSchemaRegistry registry;
    private String subject;

    SchemaRegistryApiIT(EmbeddedSchemaRegistry registry) {
        this.registry = registry;
        this.http = new RegistryHttp(registry.url());
    }

    @BeforeEach
    void subjectPerTest(TestInfo test) {
        // the registry is shared by every test class: each test works under its own subject
        subject = "api-" + test.getTestMethod().orElseThrow().getName() + "-value";
    }

    private int register(String subjectName, String schema) {
        RegistryHttp.Response response = http.post("/subjects/" + subjectName + "/versions", schemaBody(schema));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json().get("id").asInt();
    }

    @Test
    void registeringTheSameSchemaAgainGivesTheSameIdAndNoNewVersion() {
        int id = register(subject, V1);
        // the same schema, spelled differently: whitespace and attribute order do not matter
        String respelled = SchemaFormatter.getInstance("json/pretty").format(new Schema.Parser().parse(V1));

        assertThat(register(subject, respelled)).isEqualTo(id);
        assertThat(http.get("/subjects/" + subject + "/versions").json()).hasSize(1);
    }

    @Test
    void theSameSchemaUnderAnotherSubjectKeepsItsGlobalId() {
        int id = register(subject, V1);

        assertThat(register(subject + "-copy", V1)).isEqualTo(id);
        JsonNode versions = http.get("/schemas/ids/" + id + "/versions").json();
        assertThat(versions.findValuesAsText("subject")).contains(subject, subject + "-copy");
    }

    @Test
    void versionsCountUpAndLatestIsTheNewest() {
        int first = register(subject, V1);
        int second = register(subject, V2);

        assertThat(second).isNotEqualTo(first);
        assertThat(http.get("/subjects/" + subject + "/versions").text()).isEqualTo("[1,2]");
        JsonNode latest = http.get("/subjects/" + subject + "/versions/latest").json();
        assertThat(latest.get("subject").asText()).isEqualTo(subject);
        assertThat(latest.get("version").asInt()).isEqualTo(2);
        assertThat(latest.get("id").asInt()).isEqualTo(second);
        assertThat(new Schema.Parser().parse(latest.get("schema").asText())).isEqualTo(new Schema.Parser().parse(V2));
        assertThat(http.get("/subjects/" + subject + "/versions/-1")
                        .json()
                        .get("version")
                        .asInt())
                .isEqualTo(2);
        assertThat(http.get("/subjects/" + subject + "/versions/1")
                        .json()
                        .get("id")
                        .asInt())
                .isEqualTo(first);
        assertThat(new Schema.Parser()
                        .parse(http.get("/subjects/" + subject + "/versions/1/schema")
                                .text()))
                .isEqualTo(new Schema.Parser().parse(V1));
        assertThat(http.get("/subjects").text()).contains("\"" + subject + "\"");
    }

    @Test
    void servesASchemaByIdWithOrWithoutASubject() {
        int id = register(subject, V1);

        RegistryHttp.Response response = http.get("/schemas/ids/" + id);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith(RegistryHttp.CONTENT_TYPE);
        assertThat(new Schema.Parser().parse(response.json().get("schema").asText()))
                .isEqualTo(new Schema.Parser().parse(V1));
        assertThat(http.get("/schemas/ids/" + id + "?subject=" + subject)
                        .json()
                        .get("schema")
                        .asText())
                .isEqualTo(response.json().get("schema").asText());
    }

    @Test
    void looksUpWhichVersionOfASubjectHoldsASchema() {
        register(subject, V1);
        int id = register(subject, V2);

        JsonNode found = http.post("/subjects/" + subject, schemaBody(V2)).json();
        assertThat(found.get("version").asInt()).isEqualTo(2);
        assertThat(found.get("id").asInt()).isEqualTo(id);

        RegistryHttp.Response unknownSchema =
                http.post("/subjects/" + subject, schemaBody("{\"type\":\"record\",\"name\":\"Other\",\"fields\":[]}"));
        assertThat(unknownSchema.status()).isEqualTo(404);
        assertThat(unknownSchema.errorCode()).isEqualTo(40403);
        assertThat(http.post("/subjects/never-" + subject, schemaBody(V1)).errorCode())
                .isEqualTo(40401);
    }

    @Test
    void answersConfluentErrorBodiesForWhatIsMissing() {
        register(subject, V1);

        RegistryHttp.Response noSubject = http.get("/subjects/never-" + subject + "/versions");
        assertThat(noSubject.status()).isEqualTo(404);
        assertThat(noSubject.contentType()).startsWith(RegistryHttp.CONTENT_TYPE);
        assertThat(noSubject.errorCode()).isEqualTo(40401);
        assertThat(noSubject.json().get("message").asText()).contains("never-" + subject);

        RegistryHttp.Response noVersion = http.get("/subjects/" + subject + "/versions/7");
        assertThat(noVersion.status()).isEqualTo(404);
        assertThat(noVersion.errorCode()).isEqualTo(40402);

        RegistryHttp.Response noSchema = http.get("/schemas/ids/987654");
        assertThat(noSchema.status()).isEqualTo(404);
        assertThat(noSchema.errorCode()).isEqualTo(40403);

        RegistryHttp.Response badVersion = http.get("/subjects/" + subject + "/versions/first");
        assertThat(badVersion.status()).isEqualTo(422);
        assertThat(badVersion.errorCode()).isEqualTo(42202);

        RegistryHttp.Response unknownPath = http.get("/associations/resources/-/orders");
        assertThat(unknownPath.status()).isEqualTo(404);
        assertThat(unknownPath.contentType()).startsWith(RegistryHttp.CONTENT_TYPE);
        assertThat(unknownPath.errorCode()).isEqualTo(404);
    }

    @Test
    void refusesSchemasThatAvroRefuses() {
        RegistryHttp.Response unknownType = http.post(
                "/subjects/" + subject + "/versions",
                schemaBody("{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"integer\"}]}"));
        assertThat(unknownType.status()).isEqualTo(422);
        assertThat(unknownType.errorCode()).isEqualTo(42201);
        assertThat(unknownType.json().get("message").asText()).contains(subject).contains("integer");

        RegistryHttp.Response notJson = http.post("/subjects/" + subject + "/versions", schemaBody("{not json"));
        assertThat(notJson.errorCode()).isEqualTo(42201);
        RegistryHttp.Response protobuf = http.post(
                "/subjects/" + subject + "/versions",
                "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
        assertThat(protobuf.errorCode()).isEqualTo(42201);
        assertThat(http.get("/subjects/" + subject + "/versions").errorCode()).isEqualTo(40401);
    }

    @Test
    void storesCompatibilityGloballyAndPerSubject() {
        assertThat(http.get("/config").json().get("compatibilityLevel").asText())
                .isEqualTo("BACKWARD");

        RegistryHttp.Response none = http.get("/config/" + subject);
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.errorCode()).isEqualTo(40408);
        assertThat(http.get("/config/" + subject + "?defaultToGlobal=true")
                        .json()
                        .get("compatibilityLevel")
                        .asText())
                .isEqualTo("BACKWARD");

        assertThat(http.put("/config/" + subject, "{\"compatibility\":\"FULL_TRANSITIVE\"}")
                        .json()
                        .get("compatibility")
                        .asText())
                .isEqualTo("FULL_TRANSITIVE");
        assertThat(http.get("/config/" + subject)
                        .json()
                        .get("compatibilityLevel")
                        .asText())
                .isEqualTo("FULL_TRANSITIVE");

        RegistryHttp.Response invalid = http.put("/config", "{\"compatibility\":\"SOMETIMES\"}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errorCode()).isEqualTo(42203);
        try {
            assertThat(http.put("/config", "{\"compatibility\":\"NONE\"}")
                            .json()
                            .get("compatibility")
                            .asText())
                    .isEqualTo("NONE");
            assertThat(http.get("/config").json().get("compatibilityLevel").asText())
                    .isEqualTo("NONE");
        } finally {
            http.put("/config", "{\"compatibility\":\"BACKWARD\"}");
        }
    }

    @Test
    void answersTheRootAndTheSchemaTypes() {
        assertThat(http.get("/").text()).isEqualTo("{}");
        assertThat(http.get("/schemas/types").text()).isEqualTo("[\"AVRO\"]");
    }

    @Test
    void servesFloesOwnRegistryClient() {
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistryClientConfig.of(registry.url()))) {
            int id = client.register(subject, RegisteredSchema.AVRO, V1, List.of());

            RegisteredSchema byId = client.schemaById(id);
            assertThat(byId.schemaType()).isEqualTo(RegisteredSchema.AVRO);
            assertThat(new Schema.Parser().parse(byId.schema())).isEqualTo(new Schema.Parser().parse(V1));
            SubjectVersion latest = client.latestVersion(subject);
            assertThat(latest.version()).isEqualTo(1);
            assertThat(latest.schema().id()).isEqualTo(id);
            assertThat(client.subjects()).contains(subject);
            assertThatThrownBy(() -> client.schemaById(876543))
                    .isInstanceOfSatisfying(
                            SchemaNotFoundException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(40403));
        }
    }
}
