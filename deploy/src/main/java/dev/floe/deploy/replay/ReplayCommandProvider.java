package dev.floe.deploy.replay;

import dev.floe.engine.spi.cli.CommandProvider;

/** Adds {@code floe replay} to the command line. */
public final class ReplayCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new ReplayCommand();
    }
}
