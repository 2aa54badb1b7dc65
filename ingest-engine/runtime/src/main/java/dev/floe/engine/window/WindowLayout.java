package dev.floe.engine.window;

import dev.floe.engine.config.ConfigLocation;
import dev.floe.engine.spi.config.ConfigProblem;
import dev.floe.engine.spi.row.FieldKind;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.time.EventTimeReader;
import dev.floe.engine.transform.TransformCompileException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * A window's output, fixed when the pipeline starts from the schema of the rows it gets: the key
 * columns with their types, {@code window_start}, {@code window_end}, one column per aggregate and
 * {@code window_version}; and each aggregate compiled for its input column's type. In upsert mode
 * the key columns and {@code window_start} are the schema's identifier fields.
 */
final class WindowLayout {
    final WindowSpec spec;
    final List<Aggregate> aggregates;
    final RowType output;
    final int longCount;
    final int objectCount;
    final int startColumn;
    final int firstAggregateColumn;
    final int versionColumn;

    private WindowLayout(WindowSpec spec, List<Aggregate> aggregates, RowType output) {
        this.spec = spec;
        this.aggregates = aggregates;
        this.output = output;
        int longs = 0;
        int objects = 0;
        for (Aggregate aggregate : aggregates) {
            aggregate.longSlot = longs;
            aggregate.objectSlot = objects;
            longs += aggregate.longCount();
            objects += aggregate.objectCount();
        }
        this.longCount = longs;
        this.objectCount = objects;
        this.startColumn = spec.keyBy().size();
        this.firstAggregateColumn = startColumn + 2;
        this.versionColumn = firstAggregateColumn + aggregates.size();
    }

    /**
     * The layout of {@code spec} over rows of {@code input}.
     *
     * @throws TransformCompileException with every problem, at the window's keys' locations
     */
    static WindowLayout of(WindowSpec spec, Schema input) {
        List<ConfigProblem> problems = new ArrayList<>();
        RowType type = RowType.of(input);
        ConfigLocation where = spec.location();
        try {
            EventTimeReader.compile(type, spec.eventTime());
        } catch (IllegalArgumentException e) {
            problems.add(where.child("eventTime").problem("Cannot read the window's event time: " + e.getMessage()));
        }
        List<Types.NestedField> fields = new ArrayList<>();
        List<Integer> identifiers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int id = 1;
        for (String key : spec.keyBy()) {
            Types.NestedField field = input.findField(key);
            if (field == null || input.asStruct().field(key) == null) {
                problems.add(where.child("keyBy")
                        .problem("no field '" + key + "' in the rows the window gets" + fieldsOf(input)));
                continue;
            }
            if (!WindowKeys.supported(FieldKind.of(field.type()))) {
                problems.add(where.child("keyBy")
                        .problem("cannot key windows by '" + key + "' of type " + field.type()
                                + ": keys are primitive or string fields"));
                continue;
            }
            if (spec.updates() == WindowSpec.UpdateMode.UPSERT && field.isOptional()) {
                problems.add(where.child("keyBy")
                        .problem("key field '" + key + "' may be null, and upserts need key columns that are"
                                + " never null (Iceberg identifier fields are required columns); use updates:"
                                + " version, or key by required fields"));
                continue;
            }
            names.add(key);
            identifiers.add(id);
            fields.add(Types.NestedField.of(id++, field.isOptional(), key, field.type(), field.doc()));
        }
        identifiers.add(id);
        fields.add(Types.NestedField.required(id++, WindowSpec.START, Types.TimestampType.withZone()));
        fields.add(Types.NestedField.required(id++, WindowSpec.END, Types.TimestampType.withZone()));
        List<Aggregate> aggregates = new ArrayList<>();
        for (AggregateSpec aggregate : spec.aggregates()) {
            String name = aggregate.name();
            if (!names.add(name)
                    || name.equals(WindowSpec.START)
                    || name.equals(WindowSpec.END)
                    || name.equals(WindowSpec.VERSION)) {
                problems.add(aggregate.location().child("name").problem("column name '" + name + "' is taken"));
                continue;
            }
            try {
                Aggregate compiled = compile(aggregate, input);
                aggregates.add(compiled);
                fields.add(Types.NestedField.of(id++, !compiled.required(), name, compiled.outputType));
            } catch (IllegalArgumentException e) {
                problems.add(aggregate.location().problem(e.getMessage()));
            }
        }
        fields.add(Types.NestedField.required(id, WindowSpec.VERSION, Types.LongType.get()));
        if (!problems.isEmpty()) {
            throw new TransformCompileException(problems);
        }
        Schema schema = spec.updates() == WindowSpec.UpdateMode.UPSERT
                ? new Schema(fields, new HashSet<>(identifiers))
                : new Schema(fields);
        return new WindowLayout(spec, List.copyOf(aggregates), RowType.of(schema));
    }

    private static Aggregate compile(AggregateSpec aggregate, Schema input) {
        AggregateSpec.AggregateFunction function = aggregate.function();
        if (aggregate.field() == null) {
            if (function == AggregateSpec.AggregateFunction.COUNT) {
                return new Aggregate.Count(aggregate, null);
            }
            throw new IllegalArgumentException(ValueTypeNames.name(function) + " needs a field: add field: <column>");
        }
        Types.NestedField field = input.asStruct().field(aggregate.field());
        if (field == null) {
            throw new IllegalArgumentException(
                    "no field '" + aggregate.field() + "' in the rows the window gets" + fieldsOf(input));
        }
        FieldKind kind = FieldKind.of(field.type());
        ValueDomain domain = ValueDomain.of(kind);
        switch (function) {
            case COUNT:
                return new Aggregate.Count(aggregate, field);
            case SUM:
            case AVG:
                if (!ValueDomain.numeric(kind)) {
                    throw new IllegalArgumentException(ValueTypeNames.name(function) + " needs a numeric field, and '"
                            + field.name() + "' is of type " + field.type());
                }
                return new Aggregate.Sum(aggregate, field, function == AggregateSpec.AggregateFunction.AVG);
            default:
                if (domain == null) {
                    throw new IllegalArgumentException(ValueTypeNames.name(function)
                            + " needs a number, string, boolean, date or timestamp field, and '" + field.name()
                            + "' is of type " + field.type());
                }
                switch (function) {
                    case MIN:
                    case MAX:
                        return new Aggregate.Extreme(aggregate, field, function == AggregateSpec.AggregateFunction.MAX);
                    case FIRST:
                    case LAST:
                        return new Aggregate.Positional(
                                aggregate, field, function == AggregateSpec.AggregateFunction.LAST);
                    case COUNT_DISTINCT:
                        return new Aggregate.DistinctCount(aggregate, field);
                    default:
                        return new Aggregate.ApproxDistinct(aggregate, field);
                }
        }
    }

    private static String fieldsOf(Schema input) {
        StringBuilder text = new StringBuilder(" (fields: ");
        List<Types.NestedField> columns = input.columns();
        for (int i = 0; i < columns.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(columns.get(i).name());
        }
        return text.append(')').toString();
    }

    WindowAccumulator newAccumulator(long start, long end) {
        return new WindowAccumulator(start, end, longCount, objectCount);
    }

    /** Names of aggregate functions as the config writes them. */
    static final class ValueTypeNames {
        private ValueTypeNames() {}

        static String name(AggregateSpec.AggregateFunction function) {
            return dev.floe.engine.spi.config.ValueType.configName(function);
        }
    }
}
