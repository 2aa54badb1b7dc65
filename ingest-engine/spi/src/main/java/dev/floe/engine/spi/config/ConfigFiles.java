package dev.floe.engine.spi.config;

import dev.floe.engine.spi.service.ServiceDefinition;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads Floe config files the way {@code floe run} does, for CLI commands that plugins add.
 * Implemented by the engine's runtime and found with {@link java.util.ServiceLoader}.
 */
public interface ConfigFiles {
    /**
     * The services a config file configures, validated with every installed plugin's keys.
     *
     * @throws ConfigException naming every problem of the file
     */
    List<ServiceDefinition> services(Path file);
}
