package dev.floe.registry;

/** What the registry, or one subject, accepts, as the registry's {@code /mode} resources name it. */
public enum RegistryMode {
    /** Reads and registrations. */
    READWRITE,
    /** Reads only. */
    READONLY,
    /** Reads only, and deletions are refused too. */
    READONLY_OVERRIDE,
    /** Registrations with given ids and versions, for migrating from another registry. */
    IMPORT
}
