package dev.floe.registry;

/**
 * Which schema changes a subject accepts, as the registry's {@code /config} resources name them.
 * A {@code _TRANSITIVE} level checks against every earlier version, the others against the latest.
 */
public enum CompatibilityLevel {
    NONE,
    BACKWARD,
    BACKWARD_TRANSITIVE,
    FORWARD,
    FORWARD_TRANSITIVE,
    FULL,
    FULL_TRANSITIVE
}
