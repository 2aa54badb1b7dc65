package dev.floe.compaction;

import dev.floe.engine.spi.cli.CommandProvider;

/** Adds {@code floe compact}; found with {@link java.util.ServiceLoader}. */
public final class CompactCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new CompactCommand();
    }
}
