package dev.floe.engine.spi.cli;

/**
 * Adds a subcommand to the {@code floe} command line; found with {@link java.util.ServiceLoader}.
 */
public interface CommandProvider {
    /**
     * A picocli command object (a class annotated with {@code @Command}, implementing {@code
     * Callable<Integer>}) whose exit code follows docs/cli.md.
     */
    Object command();
}
