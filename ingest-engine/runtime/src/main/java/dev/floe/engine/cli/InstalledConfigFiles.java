package dev.floe.engine.cli;

import dev.floe.engine.config.ConfigLoader;
import dev.floe.engine.spi.config.ConfigFiles;
import dev.floe.engine.spi.service.ServiceDefinition;
import java.nio.file.Path;
import java.util.List;

/** Config files read with the installed sink and services, for the commands plugins add. */
public final class InstalledConfigFiles implements ConfigFiles {
    @Override
    public List<ServiceDefinition> services(Path file) {
        return new ConfigLoader(
                        Sinks.installed(),
                        ConfigLoader.environment(),
                        Runtime.getRuntime().availableProcessors())
                .load(file)
                .services();
    }
}
