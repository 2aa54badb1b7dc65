package dev.floe.engine.spi.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The declared keys of one config section. Keys that a file sets but the spec does not declare are
 * refused, with the closest declared key as a suggestion.
 */
public final class ConfigSpec {
    private final String name;
    private final String description;
    private final Map<String, ConfigOption<?>> options;

    private ConfigSpec(String name, String description, List<ConfigOption<?>> options) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        Map<String, ConfigOption<?>> byKey = new LinkedHashMap<>();
        for (ConfigOption<?> option : options) {
            if (byKey.put(option.key(), option) != null) {
                throw new IllegalArgumentException("spec " + name + " declares " + option.key() + " twice");
            }
        }
        this.options = Collections.unmodifiableMap(byKey);
    }

    public static ConfigSpec of(String name, String description, List<ConfigOption<?>> options) {
        return new ConfigSpec(name, description, options);
    }

    /** This spec with more options, for sections that plugins extend. */
    public ConfigSpec with(List<ConfigOption<?>> more) {
        List<ConfigOption<?>> all = new ArrayList<>(options.values());
        all.addAll(more);
        return new ConfigSpec(name, description, all);
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public Map<String, ConfigOption<?>> options() {
        return options;
    }

    public ConfigOption<?> option(String key) {
        return options.get(key);
    }
}
