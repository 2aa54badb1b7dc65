package dev.floe.engine.cli;

import dev.floe.engine.spi.cli.CommandProvider;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code floe} command line. Subcommands other than {@code run} come from {@link
 * CommandProvider}s on the class path. Exit codes: 0 success, 1 failure while running, 2 bad usage
 * or a bad config (docs/cli.md).
 */
@Command(
        name = "floe",
        mixinStandardHelpOptions = true,
        versionProvider = FloeCli.Version.class,
        description = "Ingests Kafka topics into Apache Iceberg tables, exactly once.",
        subcommands = {
            RunCommand.class,
            ValidateCommand.class,
            StatusCommand.class,
            SavepointCommand.class,
            CommandLine.HelpCommand.class
        })
public final class FloeCli implements Runnable {
    /** The exit code of a failure while running. */
    public static final int EXIT_FAILURE = 1;
    /** The exit code of bad usage or a bad config. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every installed subcommand. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new FloeCli());
        for (CommandProvider provider : ServiceLoader.load(CommandProvider.class)) {
            commandLine.addSubcommand(provider.command());
        }
        commandLine.setExitCodeExceptionMapper(exception -> EXIT_USAGE);
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            line.getErr().println(line.getColorScheme().errorText("floe: " + exception.getMessage()));
            return EXIT_FAILURE;
        });
        return commandLine;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command; see floe --help");
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = FloeCli.class.getPackage().getImplementationVersion();
            return new String[] {"floe " + (version == null ? "(development build)" : version)};
        }
    }
}
