package dev.floe.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.floe.registry.TestingRegistryServer.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Resolver;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cache in front of a fake registry: what it asks the registry, and how often. */
class CachingSchemaRegistryTest {
    private static final Duration UNKNOWN_ID_TTL = Duration.ofSeconds(5);
    private static final Duration SUBJECT_TTL = Duration.ofSeconds(60);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private TestingRegistryServer server;

    @BeforeEach
    void start() throws IOException {
        server = TestingRegistryServer.http();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void fetchesASchemaOnceAndThenAnswersFromMemory() {
        routeSchema(1, record("Order"));
        try (CachingSchemaRegistry registry = registry(config())) {
            Schema first = registry.avroSchema(1);

            assertThat(registry.avroSchema(1)).isSameAs(first);
            assertThat(registry.schemaById(1).id()).isEqualTo(1);
            assertThat(first.getFullName()).isEqualTo("Order");
        }
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void concurrentMissesOfOneIdMakeOneRequest() throws Exception {
        int threads = 8;
        CountDownLatch released = new CountDownLatch(1);
        server.route("GET", "/schemas/ids/5", request -> {
            awaitQuietly(released);
            return Response.json(schemaBody(record("Order")));
        });
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (CachingSchemaRegistry registry = registry(config())) {
            List<Thread> callers = new ArrayList<>();
            List<Future<Schema>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    synchronized (callers) {
                        callers.add(Thread.currentThread());
                    }
                    return registry.avroSchema(5);
                }));
            }
            // every caller is parked: one in the request, the others on its outcome
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                synchronized (callers) {
                    return callers.size() == threads && callers.stream().allMatch(CachingSchemaRegistryTest::isParked);
                }
            });
            released.countDown();

            Schema first = results.get(0).get(10, TimeUnit.SECONDS);
            for (Future<Schema> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isSameAs(first);
            }
        } finally {
            released.countDown();
            pool.shutdownNow();
        }
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void evictsTheLeastRecentlyUsedSchemaBeyondItsBound() {
        for (int id = 1; id <= 3; id++) {
            routeSchema(id, record("R" + id));
        }
        try (CachingSchemaRegistry registry = registry(config().withMaxSchemas(2))) {
            registry.avroSchema(1);
            registry.avroSchema(2);
            registry.avroSchema(1);
            registry.avroSchema(3); // evicts 2, used before 1

            registry.avroSchema(1);
            registry.avroSchema(3);
            assertThat(server.requests()).hasSize(3);

            registry.avroSchema(2);
            assertThat(server.requests()).hasSize(4);
            assertThat(server.requests().get(3).path()).isEqualTo("/schemas/ids/2");
        }
    }

    @Test
    void remembersAnUnknownIdForItsTtlOnly() {
        server.route("GET", "/schemas/ids/99", Response.error(404, 40403, "Schema 99 not found"));
        try (CachingSchemaRegistry registry = registry(config())) {
            for (int record = 0; record < 1_000; record++) {
                assertThat(catchThrowable(() -> registry.avroSchema(99)))
                        .isInstanceOf(SchemaNotFoundException.class)
                        .hasMessage("Cannot get schema id 99: Schema 99 not found (error code 40403, " + server.url()
                                + ")");
            }
            assertThat(server.requests()).hasSize(1);

            now.addAndGet(UNKNOWN_ID_TTL.toNanos() - 1);
            assertThat(catchThrowable(() -> registry.avroSchema(99))).isInstanceOf(SchemaNotFoundException.class);
            assertThat(server.requests()).hasSize(1);

            now.addAndGet(1);
            routeSchema(99, record("Late"));
            assertThat(registry.avroSchema(99).getName()).isEqualTo("Late");
            assertThat(server.requests()).hasSize(2);
        }
    }

    @Test
    void withoutAnUnknownIdTtlEveryLookupAsks() {
        server.route("GET", "/schemas/ids/99", Response.error(404, 40403, "Schema 99 not found"));
        try (CachingSchemaRegistry registry = registry(config().withUnknownIdTtl(Duration.ZERO))) {
            for (int record = 0; record < 3; record++) {
                assertThat(catchThrowable(() -> registry.avroSchema(99))).isInstanceOf(SchemaNotFoundException.class);
            }
        }
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void anUnavailableRegistryIsNotRemembered() {
        server.route("GET", "/schemas/ids/4", Response.error(503, 50003, "unavailable"));
        try (CachingSchemaRegistry registry = registry(config())) {
            assertThat(catchThrowable(() -> registry.avroSchema(4))).isInstanceOf(RegistryUnavailableException.class);

            routeSchema(4, record("Back"));
            assertThat(registry.avroSchema(4).getName()).isEqualTo("Back");
        }
    }

    @Test
    void aSchemaThatIsNotAvroFailsEveryTimeWithoutAskingAgain() {
        server.route("GET", "/schemas/ids/6", Response.json("{\"schema\":\"{}\",\"schemaType\":\"JSON\"}"));
        try (CachingSchemaRegistry registry = registry(config())) {
            for (int record = 0; record < 3; record++) {
                assertThat(catchThrowable(() -> registry.avroSchema(6)))
                        .isInstanceOf(RegistryRequestException.class)
                        .hasMessage("Cannot decode with schema id 6: it is a JSON schema, not AVRO");
            }
            assertThat(registry.schemaById(6).schemaType()).isEqualTo("JSON");
        }
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aSchemaThatDoesNotParseFailsEveryTimeWithoutAskingAgain() {
        routeSchema(3, "{\"type\":\"record\",\"name\":\"Broken\",\"fields\":[{\"name\":\"x\",\"type\":\"Nope\"}]}");
        try (CachingSchemaRegistry registry = registry(config())) {
            for (int record = 0; record < 3; record++) {
                assertThat(catchThrowable(() -> registry.avroSchema(3)))
                        .isInstanceOf(RegistryRequestException.class)
                        .hasMessageStartingWith("Cannot parse the Avro schema with id 3: ")
                        .hasMessageContaining("Nope");
            }
        }
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void parsesReferencedSchemasRecursivelyInOrderAndEachOnce() {
        String money = "{\"type\":\"record\",\"name\":\"Money\",\"namespace\":\"com.x\","
                + "\"fields\":[{\"name\":\"cents\",\"type\":\"long\"}]}";
        String address = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"com.x\","
                + "\"fields\":[{\"name\":\"postage\",\"type\":\"com.x.Money\"}]}";
        String order = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"com.y\",\"fields\":["
                + "{\"name\":\"shipTo\",\"type\":\"com.x.Address\"},{\"name\":\"total\",\"type\":\"com.x.Money\"}]}";
        server.route(
                "GET",
                "/schemas/ids/10",
                Response.json("{\"schema\":" + quoted(order) + ",\"references\":["
                        + "{\"name\":\"com.x.Address\",\"subject\":\"address\",\"version\":1},"
                        + "{\"name\":\"com.x.Money\",\"subject\":\"money\",\"version\":2}]}"));
        server.route(
                "GET",
                "/subjects/address/versions/1",
                Response.json("{\"subject\":\"address\",\"version\":1,\"id\":21,\"schema\":" + quoted(address)
                        + ",\"references\":[{\"name\":\"com.x.Money\",\"subject\":\"money\",\"version\":2}]}"));
        server.route(
                "GET",
                "/subjects/money/versions/2",
                Response.json("{\"subject\":\"money\",\"version\":2,\"id\":22,\"schema\":" + quoted(money) + "}"));

        try (CachingSchemaRegistry registry = registry(config())) {
            Schema parsed = registry.avroSchema(10);

            assertThat(parsed.getField("shipTo")
                            .schema()
                            .getField("postage")
                            .schema()
                            .getFullName())
                    .isEqualTo("com.x.Money");
            assertThat(parsed.getField("total")
                            .schema()
                            .getField("cents")
                            .schema()
                            .getType())
                    .isEqualTo(Schema.Type.LONG);
        }
        assertThat(server.requests())
                .extracting(TestingRegistryServer.Request::path)
                .containsExactly("/schemas/ids/10", "/subjects/address/versions/1", "/subjects/money/versions/2");
    }

    @Test
    void aMissingReferenceMakesTheSchemaUnknownForAWhile() {
        server.route(
                "GET",
                "/schemas/ids/11",
                Response.json("{\"schema\":" + quoted(record("Order")) + ",\"references\":["
                        + "{\"name\":\"com.x.Gone\",\"subject\":\"gone\",\"version\":1}]}"));
        server.route("GET", "/subjects/gone/versions/1", Response.error(404, 40401, "Subject 'gone' not found."));
        try (CachingSchemaRegistry registry = registry(config())) {
            for (int record = 0; record < 2; record++) {
                assertThat(catchThrowable(() -> registry.avroSchema(11)))
                        .isInstanceOf(SchemaNotFoundException.class)
                        .hasMessage("Cannot parse the Avro schema with id 11: its reference com.x.Gone (version 1 of"
                                + " subject gone) is missing: Cannot get version 1 of subject gone: Subject 'gone' not"
                                + " found. (error code 40401, " + server.url() + ")");
            }
        }
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void aReferenceThatIsNotAvroCannotBeParsed() {
        server.route(
                "GET",
                "/schemas/ids/12",
                Response.json("{\"schema\":" + quoted(record("Order")) + ",\"references\":["
                        + "{\"name\":\"other\",\"subject\":\"json\",\"version\":1}]}"));
        server.route(
                "GET",
                "/subjects/json/versions/1",
                Response.json(
                        "{\"subject\":\"json\",\"version\":1,\"id\":30,\"schema\":\"{}\",\"schemaType\":\"JSON\"}"));
        try (CachingSchemaRegistry registry = registry(config())) {
            assertThat(catchThrowable(() -> registry.avroSchema(12)))
                    .isInstanceOf(RegistryRequestException.class)
                    .hasMessage("Cannot parse the Avro schema with id 12: its reference other (version 1 of subject"
                            + " json) is a JSON schema, not AVRO");
        }
    }

    @Test
    void reusesSubjectVersionsForTheirTtl() {
        server.route(
                "GET",
                "/subjects/orders-value/versions/latest",
                request -> Response.json("{\"subject\":\"orders-value\",\"version\":"
                        + server.requests().size() + ",\"id\":1,\"schema\":" + quoted(record("Order")) + "}"));
        try (CachingSchemaRegistry registry = registry(config())) {
            assertThat(registry.latestVersion("orders-value").version()).isEqualTo(1);
            now.addAndGet(SUBJECT_TTL.toNanos() - 1);
            assertThat(registry.latestVersion("orders-value").version()).isEqualTo(1);

            now.addAndGet(1);
            assertThat(registry.latestVersion("orders-value").version()).isEqualTo(2);
        }
    }

    @Test
    void keepsOneResolutionPerReaderWithinItsBound() {
        routeSchema(1, record("Order", "{\"name\":\"id\",\"type\":\"int\"}"));
        Schema widening = new Schema.Parser().parse(record("Order", "{\"name\":\"id\",\"type\":\"long\"}"));
        Schema same = new Schema.Parser().parse(record("Order", "{\"name\":\"id\",\"type\":\"int\"}"));
        SchemaCacheConfig oneResolution = new SchemaCacheConfig(10, 1, 10, SUBJECT_TTL, UNKNOWN_ID_TTL);
        try (CachingSchemaRegistry registry = registry(oneResolution)) {
            Resolver.Action first = registry.resolution(1, widening);
            assertThat(registry.resolution(1, widening)).isSameAs(first);
            assertThat(first).isInstanceOf(Resolver.RecordAdjust.class);
            assertThat(((Resolver.RecordAdjust) first).fieldActions[0]).isInstanceOf(Resolver.Promote.class);

            registry.resolution(1, same); // evicts the first reader's resolution
            assertThat(registry.resolution(1, widening)).isNotSameAs(first);
        }
    }

    @Test
    void aHitAllocatesNothing() {
        routeSchema(1000, record("Order", "{\"name\":\"id\",\"type\":\"int\"}"));
        Schema reader = new Schema.Parser().parse(record("Order", "{\"name\":\"id\",\"type\":\"long\"}"));
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (CachingSchemaRegistry registry = registry(config())) {
            int hits = 100_000;
            long sum = 0;
            for (int i = 0; i < hits; i++) {
                sum += registry.avroSchema(1000).getFields().size();
                sum += registry.resolution(1000, reader).hashCode() & 1;
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < hits; i++) {
                sum += registry.avroSchema(1000).getFields().size();
                sum += registry.resolution(1000, reader).hashCode() & 1;
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;

            assertThat(sum).isPositive();
            // a boxed id or a key per hit would be 1.6 MB or more
            assertThat(allocated).isLessThan(16 * 1024);
        }
    }

    private CachingSchemaRegistry registry(SchemaCacheConfig cache) {
        RegistryClientConfig config = RegistryClientConfig.of(server.url().toString())
                .withRetries(1, Duration.ofMillis(1), Duration.ofMillis(2));
        return new CachingSchemaRegistry(new HttpSchemaRegistryClient(config), cache, now::get);
    }

    private static SchemaCacheConfig config() {
        return new SchemaCacheConfig(100, 4, 100, SUBJECT_TTL, UNKNOWN_ID_TTL);
    }

    private void routeSchema(int id, String schema) {
        server.route("GET", "/schemas/ids/" + id, Response.json(schemaBody(schema)));
    }

    private static String schemaBody(String schema) {
        return "{\"schema\":" + quoted(schema) + "}";
    }

    private static String record(String name, String... fields) {
        return "{\"type\":\"record\",\"name\":\"" + name + "\",\"fields\":[" + String.join(",", fields) + "]}";
    }

    private static String quoted(String text) {
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .getNodeFactory()
                .textNode(text)
                .toString();
    }

    private static boolean isParked(Thread thread) {
        Thread.State state = thread.getState();
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
