package dev.floe.deploy.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.registry.SchemaReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreCodecTest {
    private final StoreCodec codec = new StoreCodec();

    private static final StoreValue.Schema SCHEMA = new StoreValue.Schema(
            "orders-value",
            2,
            7,
            new SchemaContent(
                    "AVRO",
                    "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"c\",\"type\":\"Customer\"}]}",
                    List.of(new SchemaReference("Customer", "customer", 1))),
            false);

    private static String golden(String name) throws IOException {
        try (InputStream in = StoreCodecTest.class.getResourceAsStream("/registry/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void writesFormatOneExactlyAsTheGoldenFiles() throws IOException {
        assertThat(text(codec.encodeKey(SCHEMA.key()))).isEqualTo(golden("v1-schema-key.json"));
        assertThat(text(codec.encodeValue(SCHEMA))).isEqualTo(golden("v1-schema-value.json"));
        assertThat(text(codec.encodeKey(StoreKey.Config.GLOBAL))).isEqualTo(golden("v1-global-config-key.json"));
        assertThat(text(codec.encodeValue(new StoreValue.Config(CompatibilityLevel.FULL))))
                .isEqualTo(golden("v1-config-value.json"));
    }

    @Test
    void readsFormatOneGoldenFiles() throws IOException {
        StoreKey key = codec.decodeKey(golden("v1-schema-key.json").getBytes(StandardCharsets.UTF_8));
        assertThat(key).isEqualTo(new StoreKey.Schema("orders-value", 2));
        assertThat(codec.decodeValue(key, golden("v1-schema-value.json").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(SCHEMA);
        StoreKey config = codec.decodeKey(golden("v1-global-config-key.json").getBytes(StandardCharsets.UTF_8));
        assertThat(config).isEqualTo(StoreKey.Config.GLOBAL);
        assertThat(codec.decodeValue(config, golden("v1-config-value.json").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new StoreValue.Config(CompatibilityLevel.FULL));
    }

    @Test
    void writesFormatTwoOnlyForWhatFormatOneCannotSay() throws IOException {
        StoreKey mode = new StoreKey.Mode("orders-value");
        assertThat(text(codec.encodeKey(mode))).isEqualTo(golden("v2-mode-key.json"));
        assertThat(text(codec.encodeValue(new StoreValue.Mode(RegistryMode.READONLY))))
                .isEqualTo(golden("v2-mode-value.json"));
        assertThat(text(codec.encodeKey(StoreKey.IdWatermark.INSTANCE))).isEqualTo(golden("v2-id-watermark-key.json"));
        assertThat(text(codec.encodeValue(new StoreValue.IdWatermark(42))))
                .isEqualTo(golden("v2-id-watermark-value.json"));
        assertThat(text(codec.encodeValue(new StoreValue.Config(CompatibilityLevel.FULL_TRANSITIVE, true))))
                .isEqualTo(golden("v2-config-value.json"));
        // a config key stays format 1 whatever its value: compaction matches keys byte for byte
        assertThat(text(codec.encodeKey(new StoreKey.Config("orders-value"))))
                .isEqualTo(golden("v1-subject-config-key.json"));
    }

    @Test
    void readsFormatTwoGoldenFiles() throws IOException {
        StoreKey mode = codec.decodeKey(golden("v2-mode-key.json").getBytes(StandardCharsets.UTF_8));
        assertThat(mode).isEqualTo(new StoreKey.Mode("orders-value"));
        assertThat(codec.decodeValue(mode, golden("v2-mode-value.json").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new StoreValue.Mode(RegistryMode.READONLY));
        StoreKey watermark = codec.decodeKey(golden("v2-id-watermark-key.json").getBytes(StandardCharsets.UTF_8));
        assertThat(watermark).isEqualTo(StoreKey.IdWatermark.INSTANCE);
        assertThat(codec.decodeValue(
                        watermark, golden("v2-id-watermark-value.json").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new StoreValue.IdWatermark(42));
        assertThat(codec.decodeValue(
                        StoreKey.Config.GLOBAL, golden("v2-config-value.json").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new StoreValue.Config(CompatibilityLevel.FULL_TRANSITIVE, true));
    }

    @Test
    void keyBytesAreTheSameForTheSameKeySoCompactionKeepsOnlyTheNewest() {
        assertThat(codec.encodeKey(new StoreKey.Config("a"))).isEqualTo(codec.encodeKey(new StoreKey.Config("a")));
        assertThat(codec.encodeKey(new StoreKey.Schema("a", 1)))
                .isNotEqualTo(codec.encodeKey(new StoreKey.Schema("a", 2)));
    }

    @Test
    void tombstoneDecodesToNull() {
        assertThat(codec.decodeValue(new StoreKey.Config("a"), null)).isNull();
    }

    @Test
    void refusesANewerFormatRatherThanSkipIt() {
        byte[] key = "{\"keytype\":\"SCHEMA\",\"subject\":\"a\",\"version\":1,\"format\":3}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decodeKey(key))
                .hasMessageContaining("format 3, this registry reads formats 1 to 2");
    }

    @Test
    void refusesAValueThatDescribesAnotherKey() {
        byte[] value = codec.encodeValue(SCHEMA);
        assertThatThrownBy(() -> codec.decodeValue(new StoreKey.Schema("orders-value", 3), value))
                .hasMessageContaining("describes");
    }
}
