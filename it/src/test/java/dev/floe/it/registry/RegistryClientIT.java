package dev.floe.it.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.registry.CachingSchemaRegistry;
import dev.floe.registry.CompatibilityLevel;
import dev.floe.registry.CompatibilityResult;
import dev.floe.registry.Deletion;
import dev.floe.registry.HttpSchemaRegistryClient;
import dev.floe.registry.RegisteredSchema;
import dev.floe.registry.RegistryClientConfig;
import dev.floe.registry.RegistryRequestException;
import dev.floe.registry.SchemaNotFoundException;
import dev.floe.registry.SchemaReference;
import dev.floe.registry.SchemaRegistryException;
import dev.floe.registry.SubjectVersion;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/** Floe's registry client against Floe's built-in registry: what the engine and its tools call. */
@ExtendWith(EmbeddedServersExtension.class)
class RegistryClientIT {
    private final EmbeddedSchemaRegistry registry;
    private HttpSchemaRegistryClient client;
    private String subject;

    RegistryClientIT(EmbeddedSchemaRegistry registry) {
        this.registry = registry;
    }

    @BeforeEach
    void clientAndSubject(TestInfo test) {
        client = new HttpSchemaRegistryClient(RegistryClientConfig.of(registry.url()));
        // the registry is shared by every test class: each test works under its own subjects
        subject = "client-" + test.getTestMethod().orElseThrow().getName() + "-value";
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    /** An order record whose fields are {@code id} plus {@code extra} (Avro field JSON). */
    private static String order(String... extra) {
        StringBuilder fields = new StringBuilder("{\"name\":\"id\",\"type\":\"long\"}");
        for (String field : extra) {
            fields.append(',').append(field);
        }
        return "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"dev.floe.it\",\"fields\":[" + fields + "]}";
    }

    private static String optional(String name, String type) {
        return "{\"name\":\"" + name + "\",\"type\":[\"null\",\"" + type + "\"],\"default\":null}";
    }

    private static String required(String name, String type) {
        return "{\"name\":\"" + name + "\",\"type\":\"" + type + "\"}";
    }

    /** A cache over a client of its own: closing a cache closes its client. */
    private CachingSchemaRegistry cache() {
        return new CachingSchemaRegistry(new HttpSchemaRegistryClient(RegistryClientConfig.of(registry.url())));
    }

    private int register(String name, String schema) {
        return client.register(name, RegisteredSchema.AVRO, schema, List.of());
    }

    private static SchemaRegistryException refusal(Executable call) {
        try {
            call.execute();
        } catch (SchemaRegistryException e) {
            return e;
        } catch (Throwable e) {
            throw new AssertionError("expected a registry refusal, got " + e, e);
        }
        throw new AssertionError("expected a registry refusal, the call succeeded");
    }

    @Test
    void evolvesASchemaThroughFiveVersionsAndFetchesEachById() {
        List<String> schemas = List.of(
                order(),
                order(optional("coupon", "string")),
                order(optional("coupon", "string"), optional("gift", "boolean")),
                order(optional("coupon", "string"), optional("gift", "boolean"), optional("note", "string")),
                order(
                        optional("coupon", "string"),
                        optional("gift", "boolean"),
                        optional("note", "string"),
                        optional("discount", "double")));
        List<Integer> ids = new ArrayList<>();
        for (String schema : schemas) {
            assertThat(client.compatibilityWithLatest(subject, RegisteredSchema.AVRO, schema, List.of())
                            .compatible())
                    .isTrue();
            ids.add(register(subject, schema));
        }

        assertThat(ids).doesNotHaveDuplicates();
        assertThat(client.versions(subject)).containsExactly(1, 2, 3, 4, 5);
        for (int i = 0; i < schemas.size(); i++) {
            RegisteredSchema byId = client.schemaById(ids.get(i));
            assertThat(new Schema.Parser().parse(byId.schema())).isEqualTo(new Schema.Parser().parse(schemas.get(i)));
            SubjectVersion version = client.version(subject, i + 1);
            assertThat(version.schema().id()).isEqualTo(ids.get(i));
            assertThat(client.lookup(subject, RegisteredSchema.AVRO, schemas.get(i), List.of())
                            .version())
                    .isEqualTo(i + 1);
        }
        SubjectVersion latest = client.latestVersion(subject);
        assertThat(latest.version()).isEqualTo(5);
        assertThat(latest.schema().id()).isEqualTo(ids.get(4));
        // registering an old version again gives its id back and no new version
        assertThat(register(subject, schemas.get(1))).isEqualTo(ids.get(1));
        assertThat(client.versions(subject)).hasSize(5);

        try (CachingSchemaRegistry cache = cache()) {
            // the newest reader resolves the oldest writer: what BACKWARD promised
            Schema reader = cache.avroSchema(ids.get(4));
            assertThat(cache.resolution(ids.get(0), reader)).isNotNull();
        }
    }

    @Test
    void registersAndResolvesSchemasWithReferences() {
        String customerSubject = subject + "-customer";
        String customer = "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"dev.floe.it\","
                + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"tier\",\"type\":\"int\"}]}";
        int customerId = register(customerSubject, customer);
        SchemaReference reference = new SchemaReference("dev.floe.it.Customer", customerSubject, 1);
        String withCustomer = order(required("customer", "Customer"));

        int orderId = client.register(subject, RegisteredSchema.AVRO, withCustomer, List.of(reference));

        RegisteredSchema stored = client.schemaById(orderId);
        assertThat(stored.references()).containsExactly(reference);
        assertThat(stored.schema()).contains("\"type\":\"Customer\"").doesNotContain("\"tier\"");
        try (CachingSchemaRegistry cache = cache()) {
            Schema resolved = cache.avroSchema(orderId);
            assertThat(resolved.getField("customer").schema().getField("tier")).isNotNull();
            GenericRecord record = new GenericData.Record(resolved);
            assertThat(record.getSchema().getFullName()).isEqualTo("dev.floe.it.Order");
        }
        assertThat(new RegistryHttp(registry.url())
                        .get("/subjects/" + customerSubject + "/versions/1/referencedby")
                        .text())
                .isEqualTo("[" + orderId + "]");
        assertThat(client.lookup(subject, RegisteredSchema.AVRO, withCustomer, List.of(reference))
                        .schema()
                        .id())
                .isEqualTo(orderId);

        // a referenced version cannot go, softly or not
        SchemaRegistryException referenced = refusal(() -> client.deleteVersion(customerSubject, 1, Deletion.SOFT));
        assertThat(referenced.errorCode()).isEqualTo(42206);
        assertThat(referenced).hasMessageContaining("referenced by 1 schema version");
        // nor can a schema name a reference that is not registered
        SchemaRegistryException missing = refusal(() -> client.register(
                subject + "-dangling",
                RegisteredSchema.AVRO,
                withCustomer,
                List.of(new SchemaReference("dev.floe.it.Customer", customerSubject, 9))));
        assertThat(missing.errorCode()).isEqualTo(42201);
        assertThat(customerId).isNotEqualTo(orderId);
    }

    @Test
    void refusesIncompatibleSchemasAtEachLevelWithConfluentsCode() {
        register(subject, order(optional("coupon", "string")));
        String requiresNote = order(optional("coupon", "string"), required("note", "string"));
        String dropsCoupon = order();

        // BACKWARD, the default: a new field needs a default
        SchemaRegistryException backward = refusal(() -> register(subject, requiresNote));
        assertThat(backward).isInstanceOf(RegistryRequestException.class);
        assertThat(backward.errorCode()).isEqualTo(409);
        assertThat(backward)
                .hasMessageContaining("incompatible with an earlier version under compatibility level BACKWARD")
                .hasMessageContaining("field 'note'");
        CompatibilityResult check =
                client.compatibilityWithLatest(subject, RegisteredSchema.AVRO, requiresNote, List.of());
        assertThat(check.compatible()).isFalse();
        assertThat(check.messages())
                .anySatisfy(message -> assertThat(message).contains("READER_FIELD_MISSING_DEFAULT_VALUE"));

        // FORWARD: the old schema must read the new data, so a required old field cannot go
        client.setSubjectCompatibility(subject, CompatibilityLevel.FORWARD);
        assertThat(client.subjectCompatibility(subject)).hasValue(CompatibilityLevel.FORWARD);
        assertThat(client.compatibilityWithLatest(subject, RegisteredSchema.AVRO, requiresNote, List.of())
                        .compatible())
                .isTrue();
        String dropsId = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"dev.floe.it\",\"fields\":["
                + optional("coupon", "string") + "]}";
        assertThat(refusal(() -> register(subject, dropsId)).errorCode()).isEqualTo(409);

        // FULL: both directions
        client.setSubjectCompatibility(subject, CompatibilityLevel.FULL);
        assertThat(refusal(() -> register(subject, requiresNote)).errorCode()).isEqualTo(409);
        assertThat(refusal(() -> register(subject, dropsId)).errorCode()).isEqualTo(409);
        int full = register(subject, order(optional("coupon", "string"), optional("note", "string")));

        // BACKWARD checks the latest version only, BACKWARD_TRANSITIVE every one, newest first
        client.setSubjectCompatibility(subject, CompatibilityLevel.NONE);
        register(subject, dropsCoupon);
        String couponAsNumber = order("{\"name\":\"coupon\",\"type\":\"int\",\"default\":0}");
        client.setSubjectCompatibility(subject, CompatibilityLevel.BACKWARD);
        assertThat(client.compatibilityWithLatest(subject, RegisteredSchema.AVRO, couponAsNumber, List.of())
                        .compatible())
                .as("version 3 has no coupon: the default fills it in")
                .isTrue();
        client.setSubjectCompatibility(subject, CompatibilityLevel.BACKWARD_TRANSITIVE);
        SchemaRegistryException transitive = refusal(() -> register(subject, couponAsNumber));
        assertThat(transitive.errorCode()).isEqualTo(409);
        assertThat(transitive)
                .hasMessageContaining("BACKWARD_TRANSITIVE")
                .hasMessageContaining("data written with version 2");
        assertThat(client.compatibility(subject, 3, RegisteredSchema.AVRO, couponAsNumber, List.of())
                        .compatible())
                .isTrue();

        // NONE accepts anything; the subject's own level goes back to following the global one
        client.setSubjectCompatibility(subject, CompatibilityLevel.NONE);
        int anything = register(subject, order(required("coupon", "int")));
        client.deleteSubjectCompatibility(subject);
        assertThat(client.subjectCompatibility(subject)).isEmpty();
        assertThat(client.versions(subject)).containsExactly(1, 2, 3, 4);
        assertThat(anything).isNotEqualTo(full);
    }

    @Test
    void answersConfluentsNotFoundCodes() {
        int id = register(subject, order());

        SchemaRegistryException noId = refusal(() -> client.schemaById(987_654));
        assertThat(noId).isInstanceOf(SchemaNotFoundException.class);
        assertThat(noId.errorCode()).isEqualTo(40403);
        assertThat(refusal(() -> client.versions(subject + "-never")).errorCode())
                .isEqualTo(40401);
        assertThat(refusal(() -> client.version(subject, 2)).errorCode()).isEqualTo(40402);
        assertThat(refusal(() -> client.lookup(subject, RegisteredSchema.AVRO, order(optional("x", "int")), List.of()))
                        .errorCode())
                .isEqualTo(40403);
        SchemaRegistryException invalid =
                refusal(() -> register(subject, "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\"}]}"));
        assertThat(invalid).isInstanceOf(RegistryRequestException.class);
        assertThat(invalid.errorCode()).isEqualTo(42201);
        RegistryHttp.Response level =
                new RegistryHttp(registry.url()).put("/config/" + subject, "{\"compatibility\":\"SIDEWAYS\"}");
        assertThat(level.status()).isEqualTo(422);
        assertThat(level.errorCode()).isEqualTo(42203);
        assertThat(client.schemaById(id).schemaType()).isEqualTo(RegisteredSchema.AVRO);
    }

    @Test
    void softDeletesHideVersionsThatPermanentDeletesThenRemove() {
        int first = register(subject, order());
        // a schema no other test registers: an id held by another subject would outlive this one
        int second = register(subject, order(optional("deletion_test", "string")));
        register(subject, order(optional("deletion_test", "string"), optional("gift", "boolean")));

        assertThat(client.deleteVersion(subject, 2, Deletion.SOFT)).isEqualTo(2);
        assertThat(client.versions(subject)).containsExactly(1, 3);
        assertThat(refusal(() -> client.version(subject, 2)).errorCode()).isEqualTo(40402);
        // the id still resolves: records written with it keep decoding
        assertThat(client.schemaById(second).schema()).contains("deletion_test");
        assertThat(refusal(() -> client.deleteVersion(subject, 2, Deletion.SOFT))
                        .errorCode())
                .isEqualTo(40406);
        assertThat(refusal(() -> client.deleteVersion(subject, 3, Deletion.PERMANENT))
                        .errorCode())
                .isEqualTo(40407);
        assertThat(client.deleteVersion(subject, 2, Deletion.PERMANENT)).isEqualTo(2);
        assertThat(refusal(() -> client.schemaById(second)).errorCode()).isEqualTo(40403);

        assertThat(refusal(() -> client.deleteSubject(subject, Deletion.PERMANENT))
                        .errorCode())
                .isEqualTo(40405);
        assertThat(client.deleteSubject(subject, Deletion.SOFT)).containsExactly(1, 3);
        assertThat(client.subjects()).doesNotContain(subject);
        assertThat(refusal(() -> client.versions(subject)).errorCode()).isEqualTo(40401);
        assertThat(new RegistryHttp(registry.url())
                        .get("/subjects/" + subject + "/versions?deleted=true")
                        .text())
                .isEqualTo("[1,3]");
        assertThat(refusal(() -> client.deleteSubject(subject, Deletion.SOFT)).errorCode())
                .isEqualTo(40404);
        assertThat(client.deleteSubject(subject, Deletion.PERMANENT)).containsExactly(1, 3);
        assertThat(refusal(() -> client.deleteSubject(subject, Deletion.SOFT)).errorCode())
                .isEqualTo(40401);

        // the subject starts over at version 1, and a permanently deleted id is not handed out again
        int again = register(subject, order(optional("note", "string")));
        assertThat(client.versions(subject)).containsExactly(1);
        assertThat(again).isNotIn(first, second);
    }

    @Test
    void aReadOnlySubjectRefusesChangesAndImportModeTakesGivenIds() {
        int id = register(subject, order());
        client.setSubjectMode(subject, dev.floe.registry.RegistryMode.READONLY);
        assertThat(client.subjectMode(subject)).hasValue(dev.floe.registry.RegistryMode.READONLY);

        SchemaRegistryException refused = refusal(() -> register(subject, order(optional("coupon", "string"))));
        assertThat(refused.errorCode()).isEqualTo(42205);
        assertThat(refused).hasMessageContaining("READONLY mode");
        assertThat(refusal(() -> client.deleteVersion(subject, 1, Deletion.SOFT))
                        .errorCode())
                .isEqualTo(42205);
        assertThat(client.schemaById(id).schema()).contains("Order");

        RegistryHttp http = new RegistryHttp(registry.url());
        String imported = subject + "-imported";
        assertThat(http.put("/mode/" + imported, "{\"mode\":\"IMPORT\"}")
                        .json()
                        .get("mode")
                        .asText())
                .isEqualTo("IMPORT");
        assertThat(http.put("/mode/" + imported, "{\"mode\":\"SOMETIMES\"}").errorCode())
                .isEqualTo(42204);
        // an import brings the id its records already carry, and its version
        String body = RegistryHttp.schemaBody(order(required("legacy", "string")))
                .replaceFirst("^\\{", "{\"id\":777001,\"version\":3,");
        RegistryHttp.Response importedVersion = http.post("/subjects/" + imported + "/versions", body);
        assertThat(importedVersion.status()).as(importedVersion.text()).isEqualTo(200);
        assertThat(importedVersion.json().get("id").asInt()).isEqualTo(777001);
        assertThat(client.version(imported, 3).schema().id()).isEqualTo(777001);
        // an id already bound to another schema cannot be imported over
        String clash = RegistryHttp.schemaBody(order()).replaceFirst("^\\{", "{\"id\":777001,");
        assertThat(http.post("/subjects/" + imported + "/versions", clash).errorCode())
                .isEqualTo(42207);
        // in IMPORT mode a registration without an id is refused, as in READWRITE one with an id
        assertThat(refusal(() -> register(imported, order())).errorCode()).isEqualTo(42205);
        assertThat(http.post("/subjects/" + subject + "-rw/versions", clash).errorCode())
                .isEqualTo(42205);

        client.setSubjectMode(subject, dev.floe.registry.RegistryMode.READWRITE);
        assertThat(register(subject, order(optional("coupon", "string")))).isPositive();
        // ids keep counting above the imported one
        assertThat(register(subject + "-after", order(required("after", "long"))))
                .isGreaterThan(777001);
    }

    @Test
    void normalizeRegistersOneSpellingForEquivalentSchemas() {
        RegistryHttp http = new RegistryHttp(registry.url());
        String one = "{\"type\":\"record\",\"name\":\"N\",\"namespace\":\"dev.floe.it\",\"fields\":[{\"name\":\"a\","
                + "\"type\":{\"type\":\"string\",\"x-b\":1,\"x-a\":2}}]}";
        String two = "{\"type\":\"record\",\"name\":\"dev.floe.it.N\",\"fields\":[{\"name\":\"a\","
                + "\"type\":{\"x-a\":2,\"x-b\":1,\"type\":\"string\"}}]}";
        int normalized = http.post("/subjects/" + subject + "/versions?normalize=true", RegistryHttp.schemaBody(one))
                .json()
                .get("id")
                .asInt();
        assertThat(http.post("/subjects/" + subject + "/versions?normalize=true", RegistryHttp.schemaBody(two))
                        .json()
                        .get("id")
                        .asInt())
                .isEqualTo(normalized);
        assertThat(client.versions(subject)).containsExactly(1);
        // a lookup that does not normalize still finds the normalized version
        assertThat(client.lookup(subject, RegisteredSchema.AVRO, two, List.of())
                        .schema()
                        .id())
                .isEqualTo(normalized);

        // the subject's config can ask for normalizing on every registration
        String other = subject + "-config";
        assertThat(http.put("/config/" + other, "{\"normalize\":true}")
                        .json()
                        .get("normalize")
                        .asBoolean())
                .isTrue();
        assertThat(register(other, one)).isEqualTo(normalized);
        assertThat(register(other, two)).isEqualTo(normalized);
    }
}
