package dev.floe.deploy.demo;

import dev.floe.engine.spi.cli.CommandProvider;

/** Adds {@code floe demo} to the command line. */
public final class DemoCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new DemoCommand();
    }
}
