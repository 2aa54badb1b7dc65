package dev.floe.engine.transform;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelUnknownSet;
import dev.cel.runtime.CelVariableResolver;
import dev.floe.engine.config.ConfigLocation;
import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A CEL expression over the columns of one row type, type-checked and planned once: columns are
 * the expression's variables, by name. Evaluating it reads only the columns it names. One instance
 * per subtask: not thread-safe.
 */
final class Expression {
    static final String STAGE = "transform";

    private static final CelOptions OPTIONS = CelOptions.current()
            .enableTimestampEpoch(true)
            .evaluateCanonicalTypesToNativeValues(true)
            .build();
    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    private final String text;
    private final ConfigLocation location;
    private final CelType resultType;
    private final CelRuntime.Program program;
    private final Map<String, Integer> positions;
    private final CelVariableResolver resolver;
    private Row row;

    private Expression(
            String text,
            ConfigLocation location,
            CelType resultType,
            CelRuntime.Program program,
            Map<String, Integer> positions) {
        this.text = text;
        this.location = location;
        this.resultType = resultType;
        this.program = program;
        this.positions = positions;
        this.resolver = this::variable;
    }

    /**
     * Compiles {@code text} over the columns of {@code type}.
     *
     * @throws IllegalArgumentException with CEL's explanation (unknown name, no such overload, ...)
     */
    static Expression compile(String text, ConfigLocation location, RowType type) {
        CelCompilerBuilder builder =
                CelCompilerFactory.standardCelCompilerBuilder().setOptions(OPTIONS);
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < type.size(); i++) {
            String name = type.field(i).name();
            if (name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                builder.addVar(
                        name,
                        CelValues.celType(type.field(i).type(), type.field(i).isOptional()));
                positions.put(name, i);
            }
        }
        CelCompiler compiler = builder.build();
        CelAbstractSyntaxTree ast;
        try {
            ast = compiler.compile(text).getAst();
        } catch (CelValidationException e) {
            throw new IllegalArgumentException("expression `" + text + "` does not compile: "
                    + e.getMessage().replace('\n', ' ').replaceAll("\\s+\\|", " |"));
        }
        try {
            return new Expression(text, location, ast.getResultType(), RUNTIME.createProgram(ast), positions);
        } catch (dev.cel.common.CelException e) {
            throw new IllegalArgumentException("expression `" + text + "` cannot be planned: " + e.getMessage());
        }
    }

    CelType resultType() {
        return resultType;
    }

    String text() {
        return text;
    }

    private Optional<Object> variable(String name) {
        Integer position = positions.get(name);
        return position == null ? Optional.empty() : Optional.of(CelValues.value(row, position));
    }

    /**
     * The expression's value for {@code current}: a Java value as CEL returns it, or a null value.
     *
     * @throws BadRecordException when the expression fails on this row
     */
    Object evaluate(Row current) {
        this.row = current;
        Object result;
        try {
            result = program.eval(resolver);
        } catch (CelEvaluationException | RuntimeException e) {
            throw failure(e.getMessage());
        } finally {
            this.row = null;
        }
        if (result instanceof CelUnknownSet) {
            throw failure("it reads a value the record does not have");
        }
        return result;
    }

    private BadRecordException failure(String reason) {
        return new BadRecordException(
                TransformErrorCode.EXPRESSION_FAILED,
                STAGE,
                "Cannot evaluate expression `" + text + "` (" + location + "): " + reason);
    }
}
