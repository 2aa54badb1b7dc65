package dev.floe.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/schema-registry-client.md lists every setting with the default the code has. */
class ConfigurationDocsTest {
    private static final Path DOCS = Path.of("..", "docs", "schema-registry-client.md");
    private static String docs;

    @BeforeAll
    static void read() throws IOException {
        docs = Files.readString(DOCS, StandardCharsets.UTF_8);
    }

    @Test
    void everyClientSettingIsDocumentedWithItsDefault() throws ReflectiveOperationException {
        assertDocumented(RegistryClientConfig.of("http://registry:8081"));
    }

    @Test
    void everyCacheSettingIsDocumentedWithItsDefault() throws ReflectiveOperationException {
        assertDocumented(SchemaCacheConfig.DEFAULT);
    }

    private static void assertDocumented(Record defaults) throws ReflectiveOperationException {
        Map<String, String> rows = rows();
        for (RecordComponent component : defaults.getClass().getRecordComponents()) {
            String name = component.getName();
            assertThat(rows).as("a row for setting %s", name).containsKey(name);
            Object value = component.getAccessor().invoke(defaults);
            if (value instanceof Duration || value instanceof Integer) {
                assertThat(rows.get(name)).as("the default of %s", name).isEqualTo(format(value));
            }
        }
    }

    /** Setting name to default column, from table rows "| `name` | default | meaning |". */
    private static Map<String, String> rows() {
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : docs.split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length >= 4 && cells[1].strip().matches("`\\w+`")) {
                rows.put(cells[1].strip().replace("`", ""), cells[2].strip());
            }
        }
        return rows;
    }

    private static String format(Object value) {
        if (value instanceof Duration duration) {
            return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
        }
        return value.toString();
    }
}
