package dev.floe.engine.config;

import dev.floe.engine.spi.service.ServiceProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The services installed on the class path. */
public final class ServiceProviders {
    private ServiceProviders() {}

    public static List<ServiceProvider> installed() {
        List<ServiceProvider> providers = new ArrayList<>();
        ServiceLoader.load(ServiceProvider.class).forEach(providers::add);
        return List.copyOf(providers);
    }
}
