package dev.floe.it.servers;

import dev.floe.deploy.kafka.EmbeddedKafkaBroker;
import dev.floe.deploy.registry.EmbeddedSchemaRegistry;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives tests the servers of {@link EmbeddedServers}, shared by every test class of the JVM: a
 * constructor, {@code @BeforeAll} or test method declares a parameter of type {@link
 * EmbeddedKafkaBroker}, {@link EmbeddedSchemaRegistry} or {@link EmbeddedServers}.
 *
 * <p>The servers live in the root context's store, which JUnit closes after the last test of the
 * JVM; a failing test marks them so that their data is kept.
 */
public final class EmbeddedServersExtension implements ParameterResolver, TestWatcher {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedServersExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == EmbeddedKafkaBroker.class
                || type == EmbeddedSchemaRegistry.class
                || type == EmbeddedServers.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        EmbeddedServers servers = servers(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == EmbeddedKafkaBroker.class) {
            return servers.broker();
        }
        if (type == EmbeddedSchemaRegistry.class) {
            return servers.registry();
        }
        return servers;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        servers(context).markFailed();
    }

    private static EmbeddedServers servers(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        EmbeddedServers.class,
                        key -> new EmbeddedServers(EmbeddedServers.defaultWorkDirectory()),
                        EmbeddedServers.class);
    }
}
