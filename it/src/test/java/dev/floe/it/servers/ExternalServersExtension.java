package dev.floe.it.servers;

import dev.floe.deploy.trino.TrinoServer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives tests the servers of {@link ExternalServers}, shared by every test class of the JVM: a
 * constructor, {@code @BeforeAll} or test method declares a parameter of type {@link
 * ExternalServers}, {@link PostgresServer}, {@link RestCatalogServer} or {@link TrinoServer}. The
 * servers live in the root context's store, closed after the last test of the JVM.
 */
public final class ExternalServersExtension implements ParameterResolver, TestWatcher {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ExternalServersExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ExternalServers.class
                || type == PostgresServer.class
                || type == RestCatalogServer.class
                || type == TrinoServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExternalServers servers = servers(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == PostgresServer.class) {
            return servers.postgres();
        }
        if (type == RestCatalogServer.class) {
            return servers.restCatalog();
        }
        if (type == TrinoServer.class) {
            return servers.trino();
        }
        return servers;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        servers(context).markFailed();
    }

    /** The servers of this JVM, for tests that choose among them at run time. */
    public static ExternalServers servers(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        ExternalServers.class, key -> ExternalServers.fromSystemProperties(), ExternalServers.class);
    }
}
