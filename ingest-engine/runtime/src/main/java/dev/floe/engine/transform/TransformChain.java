package dev.floe.engine.transform;

import dev.floe.engine.config.ConfigLocation;
import dev.floe.engine.spi.config.ConfigProblem;
import dev.floe.engine.spi.dataflow.RecordMetadata;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/**
 * A pipeline's stateless transforms compiled for one input row type: every name resolved to a
 * position, every expression type-checked and planned, every output row type built once. Applying
 * it to a row costs no lookup by name and reuses one output row per step.
 */
public final class TransformChain {
    private final RowType input;
    private final List<Step> steps;
    private final RowType output;

    private TransformChain(RowType input, List<Step> steps, RowType output) {
        this.input = input;
        this.steps = steps;
        this.output = output;
    }

    /**
     * Compiles {@code transforms} for rows of {@code input}.
     *
     * @throws TransformCompileException with every problem, each at its step's location
     */
    public static TransformChain compile(RowType input, List<TransformStep> transforms) {
        List<ConfigProblem> problems = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        RowType current = input;
        int nextId = highestId(input) + 1;
        for (TransformStep transform : transforms) {
            StepBuilder builder = new StepBuilder(current, transform.location(), problems, nextId);
            Step step = builder.build(transform);
            nextId = builder.nextId;
            if (step != null) {
                steps.add(step);
                current = step.output;
            }
        }
        if (!problems.isEmpty()) {
            throw new TransformCompileException(problems);
        }
        return new TransformChain(input, List.copyOf(steps), current);
    }

    /** The schema of {@code input}'s rows after {@code transforms}; see {@link #compile}. */
    public static Schema outputSchema(Schema input, List<TransformStep> transforms) {
        return compile(RowType.of(input), transforms).output().schema();
    }

    private static int highestId(RowType type) {
        return TypeUtil.indexById(type.struct()).keySet().stream()
                .mapToInt(Integer::intValue)
                .max()
                .orElse(0);
    }

    public RowType input() {
        return input;
    }

    public RowType output() {
        return output;
    }

    /**
     * The row {@code row} becomes, or null when a filter drops it. The returned row is reused by the
     * next call.
     *
     * @throws dev.floe.engine.spi.error.BadRecordException when an expression or a cast fails on it
     */
    public Row apply(Row row, RecordMetadata record) {
        Row current = row;
        for (Step step : steps) {
            current = step.apply(current, record);
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    /** One compiled transform. */
    abstract static class Step {
        final RowType output;

        Step(RowType output) {
            this.output = output;
        }

        abstract Row apply(Row in, RecordMetadata record);
    }

    /** Keeps rows for which the expression is true. */
    static final class FilterStep extends Step {
        private final Expression expression;

        FilterStep(RowType type, Expression expression) {
            super(type);
            this.expression = expression;
        }

        @Override
        Row apply(Row in, RecordMetadata record) {
            return Boolean.TRUE.equals(expression.evaluate(in)) ? in : null;
        }
    }

    /** Builds each output column from the input row into a reused output row. */
    static final class ProjectStep extends Step {
        private final Column[] columns;
        private final Row row;

        ProjectStep(RowType type, List<Column> columns) {
            super(type);
            this.columns = columns.toArray(new Column[0]);
            this.row = new Row(type);
        }

        @Override
        Row apply(Row in, RecordMetadata record) {
            for (int i = 0; i < columns.length; i++) {
                columns[i].write(in, record, row, i);
            }
            // the sink's lineage (floe.ranges) and its skip-on-restart read the row's origin
            row.copyOrigin(in);
            // a change event's delete stays one through the projection
            row.setKind(in.kind());
            return row;
        }
    }

    /** An output column under construction: its field and where its value comes from. */
    record Output(Types.NestedField field, Column column) {}

    /** Compiles one transform against the row type before it, reporting problems at its location. */
    static final class StepBuilder {
        final RowType input;
        final ConfigLocation location;
        final List<ConfigProblem> problems;
        int nextId;

        StepBuilder(RowType input, ConfigLocation location, List<ConfigProblem> problems, int nextId) {
            this.input = input;
            this.location = location;
            this.problems = problems;
            this.nextId = nextId;
        }

        Step build(TransformStep transform) {
            return new StepCompiler(this).compile(transform);
        }

        int position(String name) {
            for (int i = 0; i < input.size(); i++) {
                if (input.field(i).name().equals(name)) {
                    return i;
                }
            }
            return -1;
        }

        /** The position of {@code name}, or -1 after reporting it missing at {@code where}. */
        int require(String name, ConfigLocation where) {
            int position = position(name);
            if (position < 0) {
                problem(where, "no field '" + name + "' in the rows at this step" + suggestion(name));
            }
            return position;
        }

        String suggestion(String name) {
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (int i = 0; i < input.size(); i++) {
                String candidate = input.field(i).name();
                int distance = distance(name.toLowerCase(), candidate.toLowerCase());
                if (distance < bestDistance) {
                    best = candidate;
                    bestDistance = distance;
                }
            }
            StringBuilder fields = new StringBuilder();
            for (int i = 0; i < input.size(); i++) {
                fields.append(i == 0 ? "" : ", ").append(input.field(i).name());
            }
            String hint = best != null && bestDistance <= Math.max(2, name.length() / 3)
                    ? "; did you mean '" + best + "'?"
                    : "";
            return hint + " (fields: " + fields + ")";
        }

        void problem(ConfigLocation where, String message) {
            problems.add(where.problem(message));
        }

        /** All input columns, copied as they are. */
        List<Output> passThrough() {
            List<Output> outputs = new ArrayList<>();
            for (int i = 0; i < input.size(); i++) {
                outputs.add(new Output(input.field(i), Column.copy(i)));
            }
            return outputs;
        }

        /** The step building {@code outputs}, or null after reporting duplicate names. */
        Step project(List<Output> outputs) {
            List<Types.NestedField> fields = new ArrayList<>();
            List<Column> columns = new ArrayList<>();
            java.util.Set<String> names = new java.util.HashSet<>();
            for (Output output : outputs) {
                if (!names.add(output.field().name())) {
                    problem(
                            location,
                            "two columns would be named '" + output.field().name() + "'");
                    return null;
                }
                fields.add(output.field());
                columns.add(output.column());
            }
            return new ProjectStep(RowType.of(new Schema(fields)), columns);
        }

        Types.NestedField newField(String name, Type type) {
            return Types.NestedField.optional(nextId++, name, type);
        }

        static Map.Entry<String, String> entry(String key, String value) {
            return Map.entry(key, value);
        }

        private static int distance(String a, String b) {
            int[] previous = new int[b.length() + 1];
            int[] current = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                previous[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                current[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                    current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                }
                int[] swap = previous;
                previous = current;
                current = swap;
            }
            return previous[b.length()];
        }
    }
}
