package dev.floe.engine.config;

import dev.floe.engine.spi.config.ConfigOption;
import dev.floe.engine.spi.config.ConfigSection;

/** Where a loaded section's values are, for problems found after loading. */
public final class ConfigLocations {
    private ConfigLocations() {}

    /** The location of {@code option} in {@code section}, a section the loader validated. */
    public static ConfigLocation of(ConfigSection section, ConfigOption<?> option) {
        if (section instanceof ValidatedSection) {
            return ((ValidatedSection) section).locate(option);
        }
        String path = section.path().isEmpty() ? option.key() : section.path() + "." + option.key();
        return ConfigLocation.code(path);
    }
}
