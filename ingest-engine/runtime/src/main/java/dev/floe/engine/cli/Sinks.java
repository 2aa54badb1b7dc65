package dev.floe.engine.cli;

import dev.floe.engine.spi.sink.SinkProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** The sink installed on the class path. */
public final class Sinks {
    private Sinks() {}

    /**
     * The one installed sink provider.
     *
     * @throws IllegalStateException when none or several are installed
     */
    public static SinkProvider installed() {
        List<SinkProvider> providers = new ArrayList<>();
        ServiceLoader.load(SinkProvider.class).forEach(providers::add);
        if (providers.size() != 1) {
            throw new IllegalStateException("Cannot choose a sink: expected one on the class path, found "
                    + (providers.isEmpty()
                            ? "none"
                            : providers.stream().map(SinkProvider::type).collect(Collectors.joining(", "))));
        }
        return providers.get(0);
    }
}
