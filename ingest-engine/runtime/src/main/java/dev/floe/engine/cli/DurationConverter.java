package dev.floe.engine.cli;

import dev.floe.engine.spi.config.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Reads durations on the command line as config files write them: {@code 500ms}, {@code 60s}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
