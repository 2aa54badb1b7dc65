package dev.floe.deploy.audit;

import dev.floe.engine.spi.cli.CommandProvider;

/** Adds {@code floe tables} to the command line. */
public final class TablesCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new TablesCommand();
    }
}
