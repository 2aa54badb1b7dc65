package dev.floe.deploy.registry;

import java.util.Locale;
import java.util.Optional;

/** What the registry, or one subject, accepts: the modes of the Confluent API. */
public enum RegistryMode {
    /** Reads, registrations, deletions and config changes. */
    READWRITE,
    /** Reads only: registrations, deletions and config changes are refused. */
    READONLY,
    /** As {@link #READONLY}; set globally, it overrides every subject's own mode. */
    READONLY_OVERRIDE,
    /** Registrations that bring their own id (and optionally version), unchecked: migrating from another registry. */
    IMPORT;

    /** The mode named {@code text} (any case), or empty when there is none of that name. */
    public static Optional<RegistryMode> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    boolean readOnly() {
        return this == READONLY || this == READONLY_OVERRIDE;
    }
}
