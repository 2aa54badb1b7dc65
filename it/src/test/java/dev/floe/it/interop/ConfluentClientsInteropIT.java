package dev.floe.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import dev.floe.engine.format.ConfluentAvroDecoder;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.it.servers.EmbeddedServersExtension;
import dev.floe.registry.CachingSchemaRegistry;
import dev.floe.registry.HttpSchemaRegistryClient;
import dev.floe.registry.RegistryClientConfig;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
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
        Path directory = prepareNodeProject();
        List<JsonNode> lines = runScript(directory);
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

    /** The npm project under it/target, installed once per build and reused by later runs. */
    private Path prepareNodeProject() throws IOException, InterruptedException {
        String nodeVersion = toolVersion("node");
        String npmVersion = toolVersion("npm");
        Path directory = Path.of(System.getProperty("floe.it.npmDir", "target/npm-interop"))
                .toAbsolutePath();
        Files.createDirectories(directory);
        for (String file : FILES) {
            try (InputStream in = getClass().getResourceAsStream("/interop/" + file)) {
                Files.copy(in, directory.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path installed = directory.resolve(".installed-package.json");
        byte[] wanted = Files.readAllBytes(directory.resolve("package.json"));
        if (Files.exists(installed)
                && Arrays.equals(Files.readAllBytes(installed), wanted)
                && Files.isDirectory(directory.resolve("node_modules/@kafkajs/confluent-schema-registry"))
                && Files.isDirectory(directory.resolve("node_modules/@confluentinc/schemaregistry"))) {
            return directory;
        }
        Path log = directory.resolve("npm-install.log");
        // the packages' install scripts only build optional native helpers that the test never uses
        int status =
                run(directory, log, INSTALL_TIMEOUT, "npm", "install", "--no-audit", "--no-fund", "--ignore-scripts");
        if (status != 0) {
            fail("Cannot install the npm clients with node " + nodeVersion + " and npm " + npmVersion + " in "
                    + directory + ": npm exited with " + status + "\n" + Files.readString(log));
        }
        Files.write(installed, wanted);
        return directory;
    }

    private List<JsonNode> runScript(Path directory) throws IOException, InterruptedException {
        Path output = directory.resolve("encode-orders.out");
        Path errors = directory.resolve("encode-orders.err");
        ProcessBuilder builder = new ProcessBuilder("node", "encode-orders.js", registry.url(), "interop")
                .directory(directory.toFile())
                .redirectOutput(output.toFile())
                .redirectError(errors.toFile());
        Process process = builder.start();
        if (!process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("Cannot run encode-orders.js: it did not finish within " + RUN_TIMEOUT.toSeconds() + " s");
        }
        if (process.exitValue() != 0) {
            fail("Cannot run encode-orders.js against " + registry.url() + ": node exited with " + process.exitValue()
                    + "\n" + Files.readString(errors));
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                lines.add(json.readTree(line));
            }
        }
        return lines;
    }

    /** The version a tool prints, or a failure that says the tool is missing and where CI has it. */
    private static String toolVersion(String tool) throws InterruptedException, IOException {
        Path output = Files.createTempFile("floe-" + tool, ".version");
        try {
            int status = run(Path.of("."), output, Duration.ofSeconds(60), tool, "--version");
            if (status != 0) {
                fail("Cannot run the interoperability test: '" + tool + " --version' exited with " + status);
            }
            return Files.readString(output).strip();
        } catch (IOException e) {
            return fail("Cannot run the interoperability test: " + tool + " is not on the PATH (" + e.getMessage()
                    + "). It needs Node.js 20 or newer with npm, as CI has; on Debian: apt-get install nodejs npm");
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static int run(Path directory, Path log, Duration timeout, String... command)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("Cannot run '" + String.join(" ", command) + "': it did not finish within " + timeout.toSeconds()
                    + " s");
        }
        return process.exitValue();
    }
}
