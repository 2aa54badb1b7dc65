package dev.floe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.engine.cli.Sinks;
import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.config.ConfigReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The configuration reference in docs/ is generated from the code and must not drift from it. */
class ConfigReferenceTest {
    @Test
    void docsConfigurationMatchesTheDeclaredOptions() throws IOException {
        String expected = ConfigReference.render(new ConfigLoader(Sinks.installed(), name -> null, 1).spec());
        Path regenerated = Path.of("target", "configuration.md");
        Files.createDirectories(regenerated.getParent());
        Files.writeString(regenerated, expected, StandardCharsets.UTF_8);

        Path documented = Path.of("..", "docs", "configuration.md");
        String actual = Files.exists(documented) ? Files.readString(documented, StandardCharsets.UTF_8) : "";

        assertThat(actual)
                .as("docs/configuration.md differs from the declared options; the current reference is in "
                        + regenerated.toAbsolutePath() + ": copy it to docs/configuration.md")
                .isEqualTo(expected);
    }
}
