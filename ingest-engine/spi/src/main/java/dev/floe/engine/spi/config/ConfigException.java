package dev.floe.engine.spi.config;

import dev.floe.engine.spi.error.ErrorCategory;
import dev.floe.engine.spi.error.ErrorCode;
import dev.floe.engine.spi.error.FloeException;
import java.util.List;
import java.util.stream.Collectors;

/** A config that cannot be used, with every problem found in it, not just the first. */
public final class ConfigException extends FloeException {
    private static final long serialVersionUID = 1L;

    /** The one error code of config problems. */
    public enum Code implements ErrorCode {
        INVALID_CONFIG;

        @Override
        public ErrorCategory category() {
            return ErrorCategory.USER;
        }
    }

    private final transient List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(Code.INVALID_CONFIG, describe(problems));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String describe(List<ConfigProblem> problems) {
        String count = problems.size() == 1 ? "1 problem" : problems.size() + " problems";
        return "Cannot load config: " + count + "\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }
}
