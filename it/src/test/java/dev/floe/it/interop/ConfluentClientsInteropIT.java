package dev.floe.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.engine.format.ConfluentAvroDecoder;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.it.node.NodeProject;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.registry.CachingSchemaRegistry;
import dev.floe.registry.HttpSchemaRegistryClient;
import dev.floe.registry.RegistryClientConfig;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Floe's registry and decoder against two independently written Confluent clients from npm: they
 * register the order schema with our registry and encode orders; Floe's decoder must read back
 * every field of what they wrote, also after kafkajs evolves the schema and when the schema takes a
 * type from a reference; and kafkajs must see an incompatible change refused.
 */
@ExtendWith(EmbeddedServersExtension.class)
class ConfluentClientsInteropIT {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);
    private static final String[] FILES = {"package.json", "encode-orders.js"};

    /** The orders encode-orders.js writes, field by field, as Floe's rows give them back. */
    private static final List<Map<String, Object>> EXPECTED = List.of(
            order(
                    1234567890123L,
                    "C00042",
                    "SKU-Ä€-7",
                    3,
                    "1999.99",
                    1767225600123456L,
                    "DE",
                    "EUR",
                    true,
                    0.15,
                    "mobile",
                    "SPRING15"),
            order(2L, "C09999", "SKU-0001", 1, "-5.25", 1767225599000001L, "JP", "JPY", false, 0.0, "web", null));

    private final EmbeddedSchemaRegistry registry;
    private final ObjectMapper json = new ObjectMapper();

    ConfluentClientsInteropIT(EmbeddedSchemaRegistry registry) {
        this.registry = registry;
    }

    private static Map<String, Object> order(
            long orderId,
            String customer,
            String sku,
            int quantity,
            String price,
            long eventTime,
            String country,
            String currency,
            boolean gift,
            double discount,
            String channel,
            String coupon) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("order_id", orderId);
        order.put("customer_id", customer);
        order.put("sku", sku);
        order.put("quantity", quantity);
        order.put("price", new BigDecimal(price));
        order.put("event_time", eventTime);
        order.put("country", country);
        order.put("currency", currency);
        order.put("gift", gift);
        order.put("discount", discount);
        order.put("channel", channel);
        order.put("coupon", coupon);
        return order;
    }

    @Test
    void floeDecodesWhatIndependentConfluentClientsEncodedWithItsRegistry() throws Exception {
        NodeProject project = NodeProject.prepare(
                "interop", List.of(FILES), Path.of(System.getProperty("floe.it.npmDir", "target/npm-interop")));
        List<JsonNode> lines = runScript(project);
        List<JsonNode> encoded = lines.subList(0, 4);

        assertThat(lines)
                .extracting(line -> line.get("client").asText())
                .containsExactly(
                        "kafkajs",
                        "kafkajs",
                        "confluent",
                        "confluent",
                        "kafkajs-v2",
                        "kafkajs-reference",
                        "kafkajs-incompatible");
        // one schema under two subjects: one global id
        assertThat(encoded)
                .extracting(line -> line.get("id").asInt())
                .containsOnly(encoded.get(0).get("id").asInt());

        try (CachingSchemaRegistry schemas =
                new CachingSchemaRegistry(new HttpSchemaRegistryClient(RegistryClientConfig.of(registry.url())))) {
            ConfluentAvroDecoder decoder = new ConfluentAvroDecoder(schemas, RowType::of);
            for (int i = 0; i < encoded.size(); i++) {
                Map<String, Object> expected = EXPECTED.get(i % EXPECTED.size());
                assertThat(fields(decode(decoder, encoded.get(i))))
                        .as("record %d from %s", i, encoded.get(i).get("client"))
                        .isEqualTo(expected);
            }

            // version 2, registered and written by kafkajs: the new field reads back
            Map<String, Object> evolved = new LinkedHashMap<>(EXPECTED.get(0));
            evolved.put("note", "gift wrap");
            assertThat(lines.get(4).get("id").asInt())
                    .isNotEqualTo(encoded.get(0).get("id").asInt());
            assertThat(fields(decode(decoder, lines.get(4)))).isEqualTo(evolved);

            // the channel as an enum that another subject defines: resolved through the reference
            assertThat(fields(decode(decoder, lines.get(5)))).isEqualTo(EXPECTED.get(0));
        }

        // the registry refused kafkajs an incompatible change the way Confluent's does
        JsonNode refusal = lines.get(6);
        assertThat(refusal.get("refused").asInt()).isEqualTo(409);
        assertThat(refusal.get("message").asText())
                .contains("incompatible with an earlier version under compatibility level BACKWARD")
                .contains("TYPE_MISMATCH");
    }

    private static Row decode(ConfluentAvroDecoder decoder, JsonNode line) {
        return decoder.decode(
                ByteBuffer.wrap(Base64.getDecoder().decode(line.get("value").asText())));
    }

    private static Map<String, Object> fields(Row row) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<Types.NestedField> fields = row.type().struct().fields();
        for (int i = 0; i < fields.size(); i++) {
            Object value = row.get(i, Object.class);
            values.put(fields.get(i).name(), value instanceof CharSequence ? value.toString() : value);
        }
        return values;
    }

    private List<JsonNode> runScript(NodeProject project) throws IOException, InterruptedException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : project.runScript("encode-orders.js", RUN_TIMEOUT, registry.url(), "interop")) {
            if (!line.isBlank()) {
                lines.add(json.readTree(line));
            }
        }
        return lines;
    }
}
