package dev.floe.engine.spi.config;

/**
 * A validated section of a config file. By the time a module reads a section, every value in it
 * has been checked against the section's {@link ConfigSpec}, so {@link #get} does not fail; checks
 * that involve several keys report through {@link #problem}, and the loader refuses the file if any
 * were reported.
 */
public interface ConfigSection {
    /** Where this section is, such as {@code pipelines[1].sink}; empty for the root. */
    String path();

    /** The keys this section declares, for reading a section another plugin declares by its key. */
    ConfigSpec spec();

    /** The value of {@code option}, its default when absent, or null when it has neither. */
    <T> T get(ConfigOption<T> option);

    /** Whether the file sets {@code option} explicitly. */
    boolean isSet(ConfigOption<?> option);

    /** Records a problem with {@code option}'s value in this section (file, line and path are added). */
    void problem(ConfigOption<?> option, String message);
}
