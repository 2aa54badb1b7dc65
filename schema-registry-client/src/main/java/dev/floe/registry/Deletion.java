package dev.floe.registry;

/** How a subject or version is deleted. */
public enum Deletion {
    /** Hidden from reads by subject; its ids still resolve, and it can be deleted permanently later. */
    SOFT,
    /** Gone with its metadata; the registry requires a soft deletion first. */
    PERMANENT
}
