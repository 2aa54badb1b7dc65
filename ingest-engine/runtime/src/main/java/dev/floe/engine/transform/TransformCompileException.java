package dev.floe.engine.transform;

import dev.floe.engine.spi.config.ConfigProblem;
import java.util.List;
import java.util.stream.Collectors;

/** A mapping that does not fit a schema: every problem, each with its file, line and key path. */
public final class TransformCompileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    public TransformCompileException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
