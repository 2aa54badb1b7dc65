package dev.floe.engine.config;

import dev.floe.engine.spi.config.ConfigOption;
import dev.floe.engine.spi.config.ConfigSpec;
import dev.floe.engine.spi.config.DataSize;
import dev.floe.engine.spi.config.Durations;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The configuration reference, rendered as Markdown from the declared options. */
public final class ConfigReference {
    private ConfigReference() {}

    public static String render(ConfigSpec root) {
        StringBuilder text = new StringBuilder();
        text.append("# Configuration reference\n\n")
                .append("<!-- Generated from the code's declared options; a test fails when this file differs."
                        + " Regenerate it with ./mvnw -pl deploy -am test -Dtest=ConfigReferenceTest and copy"
                        + " deploy/target/configuration.md here. -->\n\n")
                .append("A Floe config file is one YAML document. Every key below is checked when the file is"
                        + " loaded: a misspelled key, a value of the wrong type or a missing required key stops"
                        + " Floe before anything starts, with the file, the line and the key path of every"
                        + " problem. Values may refer to environment variables as `${NAME}` or"
                        + " `${NAME:-default}`; secrets are never logged.\n\n")
                .append("Durations are written `500ms`, `10s`, `5m`, `2h`, `7d`; sizes `512KB`, `128MB`, `1GB`.\n");
        section(text, root, "", 2);
        return text.toString();
    }

    private static void section(StringBuilder text, ConfigSpec spec, String path, int depth) {
        text.append('\n')
                .append("#".repeat(depth))
                .append(' ')
                .append(path.isEmpty() ? "Top level" : "`" + path + "`")
                .append("\n\n")
                .append(spec.description())
                .append(".\n\n")
                .append("| key | type | default | description |\n")
                .append("| --- | --- | --- | --- |\n");
        for (ConfigOption<?> option : spec.options().values()) {
            text.append("| `")
                    .append(option.key())
                    .append("` | ")
                    .append(type(option))
                    .append(" | ")
                    .append(defaultText(option))
                    .append(" | ")
                    .append(option.description().replace("|", "\\|"))
                    .append(option.constraintText() == null ? "" : " (" + option.constraintText() + ")")
                    .append(option.secret() ? " (a secret: never logged or shown)" : "")
                    .append(" |\n");
        }
        for (ConfigOption<?> option : spec.options().values()) {
            if (option.shape() != ConfigOption.Shape.VALUE) {
                String child = path.isEmpty() ? option.key() : path + "." + option.key();
                if (option.shape() == ConfigOption.Shape.SECTION_LIST) {
                    child += "[]";
                }
                section(text, option.nested(), child, Math.min(depth + 1, 4));
            }
        }
    }

    private static String type(ConfigOption<?> option) {
        switch (option.shape()) {
            case SECTION:
                return "section";
            case SECTION_LIST:
                return "list of sections";
            default:
                return option.type().name();
        }
    }

    private static String defaultText(ConfigOption<?> option) {
        if (option.required()) {
            return "required";
        }
        Object value = option.defaultValue();
        if (value == null) {
            return "-";
        }
        if (value instanceof Duration) {
            return "`" + Durations.format((Duration) value) + "`";
        }
        if (value instanceof DataSize || value instanceof Number || value instanceof Boolean) {
            return "`" + value + "`";
        }
        if (value instanceof Enum) {
            return "`" + dev.floe.engine.spi.config.ValueType.configName((Enum<?>) value) + "`";
        }
        if (value instanceof Map && ((Map<?, ?>) value).isEmpty()) {
            return "`{}`";
        }
        if (value instanceof Collection && ((Collection<?>) value).isEmpty()) {
            return "`[]`";
        }
        if (value instanceof List) {
            return "`" + value + "`";
        }
        return "`" + value + "`";
    }
}
