package dev.floe.it.registry;

import static dev.floe.it.registry.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.deploy.registry.SchemaRegistrySettings;
import dev.floe.it.servers.EmbeddedServersExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The registry's state in its Kafka topic: kept across restarts, shared by registries on one topic. */
@ExtendWith(EmbeddedServersExtension.class)
class SchemaRegistryStoreIT {
    private final EmbeddedKafkaBroker broker;

    SchemaRegistryStoreIT(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    /** Schemas that differ in their doc only: distinct schemas, each compatible with the others. */
    private static String schema(String doc) {
        return "{\"type\":\"record\",\"name\":\"R\",\"doc\":\"" + doc
                + "\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}";
    }

    private EmbeddedSchemaRegistry start(String topic) {
        return EmbeddedSchemaRegistry.start(
                SchemaRegistrySettings.of(broker.bootstrapServers()).withTopic(topic));
    }

    private static int register(EmbeddedSchemaRegistry registry, String subject, String schema) {
        RegistryHttp.Response response =
                new RegistryHttp(registry.url()).post("/subjects/" + subject + "/versions", schemaBody(schema));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json().get("id").asInt();
    }

    @Test
    void keepsIdsVersionsAndSettingsAcrossARestartOnTheSameTopic() {
        int first;
        int second;
        try (EmbeddedSchemaRegistry registry = start("_schemas_restart")) {
            first = register(registry, "a-value", schema("A"));
            second = register(registry, "b-value", schema("B"));
            register(registry, "b-value", schema("B2"));
            new RegistryHttp(registry.url()).put("/config/a-value", "{\"compatibility\":\"NONE\"}");
        }

        try (EmbeddedSchemaRegistry registry = start("_schemas_restart")) {
            RegistryHttp http = new RegistryHttp(registry.url());
            assertThat(register(registry, "a-value", schema("A"))).isEqualTo(first);
            assertThat(http.get("/subjects/b-value/versions/1").json().get("id").asInt())
                    .isEqualTo(second);
            assertThat(http.get("/subjects/b-value/versions").text()).isEqualTo("[1,2]");
            assertThat(http.get("/config/a-value")
                            .json()
                            .get("compatibilityLevel")
                            .asText())
                    .isEqualTo("NONE");
            // ids keep counting from where they were: none is handed out twice
            assertThat(register(registry, "c-value", schema("C"))).isEqualTo(4);
        }
    }

    @Test
    void createsItsTopicCompactedWithOnePartition() throws Exception {
        try (EmbeddedSchemaRegistry registry = start("_schemas_shape");
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            assertThat(registry.topic()).isEqualTo("_schemas_shape");
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "_schemas_shape");
            assertThat(admin.describeConfigs(List.of(topic))
                            .all()
                            .get(30, TimeUnit.SECONDS)
                            .get(topic)
                            .get("cleanup.policy")
                            .value())
                    .isEqualTo("compact");
            assertThat(admin.describeTopics(List.of("_schemas_shape"))
                            .allTopicNames()
                            .get(30, TimeUnit.SECONDS)
                            .get("_schemas_shape")
                            .partitions())
                    .hasSize(1);
        }
    }

    @Test
    void refusesATopicWhoseRetentionWouldDeleteSchemas() throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("_schemas_deleting", Optional.of(1), Optional.empty())))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }

        assertThatThrownBy(() -> start("_schemas_deleting"))
                .hasMessageContaining("Cannot use topic _schemas_deleting as the schema store")
                .hasMessageContaining("cleanup.policy is 'delete'");
    }

    @Test
    void twoRegistriesOnOneTopicAgreeOnIdsAndVersions() {
        try (EmbeddedSchemaRegistry one = start("_schemas_shared");
                EmbeddedSchemaRegistry two = start("_schemas_shared")) {
            int fromOne = register(one, "orders-value", schema("Order"));

            // the other registry finds it at once: a miss catches up with the topic before answering
            RegistryHttp second = new RegistryHttp(two.url());
            assertThat(second.get("/schemas/ids/" + fromOne).status()).isEqualTo(200);
            assertThat(register(two, "orders-value", schema("Order"))).isEqualTo(fromOne);

            // writes alternate between the two: each takes the writer role back from the other
            int fromTwo = register(two, "orders-value", schema("Order2"));
            int again = register(one, "payments-value", schema("Payment"));
            assertThat(Set.of(fromOne, fromTwo, again)).hasSize(3);

            RegistryHttp first = new RegistryHttp(one.url());
            assertThat(first.get("/subjects/orders-value/versions").text()).isEqualTo("[1,2]");
            assertThat(second.get("/subjects/orders-value/versions").text()).isEqualTo("[1,2]");
            assertThat(second.get("/subjects/payments-value/versions/latest")
                            .json()
                            .get("id")
                            .asInt())
                    .isEqualTo(again);
        }
    }

    @Test
    void concurrentRegistrationsOnTwoRegistriesNeverShareAnId() throws Exception {
        int perRegistry = 8;
        try (EmbeddedSchemaRegistry one = start("_schemas_race");
                EmbeddedSchemaRegistry two = start("_schemas_race")) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            CountDownLatch ready = new CountDownLatch(2);
            try {
                List<Future<List<Integer>>> results = new ArrayList<>();
                for (EmbeddedSchemaRegistry registry : List.of(one, two)) {
                    String prefix = registry == one ? "One" : "Two";
                    results.add(pool.submit(() -> {
                        ready.countDown();
                        ready.await();
                        List<Integer> ids = new ArrayList<>();
                        for (int i = 0; i < perRegistry; i++) {
                            ids.add(register(registry, "race-value", schema(prefix + i)));
                        }
                        return ids;
                    }));
                }
                Set<Integer> ids = new HashSet<>();
                for (Future<List<Integer>> result : results) {
                    ids.addAll(result.get(120, TimeUnit.SECONDS));
                }
                assertThat(ids).hasSize(2 * perRegistry);

                String versions = new RegistryHttp(one.url())
                        .get("/subjects/race-value/versions")
                        .text();
                assertThat(new RegistryHttp(two.url())
                                .get("/subjects/race-value/versions")
                                .text())
                        .isEqualTo(versions);
                for (int id : ids) {
                    assertThat(new RegistryHttp(one.url())
                                    .get("/schemas/ids/" + id)
                                    .json()
                                    .get("schema")
                                    .asText())
                            .isEqualTo(new RegistryHttp(two.url())
                                    .get("/schemas/ids/" + id)
                                    .json()
                                    .get("schema")
                                    .asText());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void configModesAndDeletionsOnOneRegistryReachEveryRegistryOnTheTopic() {
        String v2 = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
                + "{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}";
        try (EmbeddedSchemaRegistry one = start("_schemas_admin");
                EmbeddedSchemaRegistry two = start("_schemas_admin")) {
            RegistryHttp first = new RegistryHttp(one.url());
            RegistryHttp second = new RegistryHttp(two.url());
            register(one, "a-value", schema("A"));
            register(two, "a-value", v2);

            assertThat(first.put("/config/a-value", "{\"compatibility\":\"NONE\"}")
                            .status())
                    .isEqualTo(200);
            // reads answer from each registry's own state: another registry sees a change once it has read it
            await().untilAsserted(() -> assertThat(second.get("/config/a-value")
                            .json()
                            .path("compatibilityLevel")
                            .asText())
                    .isEqualTo("NONE"));

            assertThat(second.put("/mode/a-value", "{\"mode\":\"READONLY\"}").status())
                    .isEqualTo(200);
            // a write is decided on the newest state, whichever registry takes it
            assertThat(first.post("/subjects/a-value/versions", schemaBody(schema("A3")))
                            .errorCode())
                    .isEqualTo(42205);
            assertThat(first.delete("/mode/a-value").json().get("mode").asText())
                    .isEqualTo("READONLY");

            assertThat(second.delete("/subjects/a-value/versions/1").text()).isEqualTo("1");
            assertThat(first.delete("/subjects/a-value/versions/1").errorCode()).isEqualTo(40406);
            await().untilAsserted(() ->
                    assertThat(first.get("/subjects/a-value/versions").text()).isEqualTo("[2]"));

            // IMPORT needs an empty registry, unless forced
            assertThat(second.put("/mode", "{\"mode\":\"IMPORT\"}").errorCode()).isEqualTo(42205);
            assertThat(second.put("/mode?force=true", "{\"mode\":\"IMPORT\"}").status())
                    .isEqualTo(200);
            await().untilAsserted(() ->
                    assertThat(first.get("/mode").json().get("mode").asText()).isEqualTo("IMPORT"));
            assertThat(first.post("/subjects/a-value/versions", schemaBody(schema("A4")))
                            .errorCode())
                    .isEqualTo(42205);
            assertThat(first.delete("/mode").json().get("mode").asText()).isEqualTo("IMPORT");
        }

        // and all of it is in the topic: a registry started later replays the same state
        try (EmbeddedSchemaRegistry later = start("_schemas_admin")) {
            RegistryHttp http = new RegistryHttp(later.url());
            assertThat(http.get("/mode").json().get("mode").asText()).isEqualTo("READWRITE");
            assertThat(http.get("/mode/a-value").errorCode()).isEqualTo(40409);
            assertThat(http.get("/config/a-value")
                            .json()
                            .get("compatibilityLevel")
                            .asText())
                    .isEqualTo("NONE");
            assertThat(http.get("/subjects/a-value/versions").text()).isEqualTo("[2]");
            assertThat(http.get("/subjects/a-value/versions?deleted=true").text())
                    .isEqualTo("[1,2]");
        }
    }
}
