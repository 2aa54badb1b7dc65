package dev.floe.deploy.audit;

import dev.floe.engine.spi.cli.CommandProvider;

/** Adds {@code floe audit} to the command line. */
public final class AuditCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new AuditCommand();
    }
}
