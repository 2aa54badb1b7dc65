package dev.floe.deploy.demo;

import dev.floe.engine.spi.cli.CommandProvider;

/** Adds {@code floe generate} to the command line. */
public final class GenerateCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new GenerateCommand();
    }
}
