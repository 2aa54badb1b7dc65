package dev.floe.engine.transform;

import dev.cel.common.types.CelKind;
import dev.cel.common.types.NullableType;
import dev.floe.engine.config.ConfigLocation;
import dev.floe.engine.spi.dataflow.RecordMetadata;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.row.Utf8Slice;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/** Compiles each kind of {@link TransformStep} against the row type before it. */
final class StepCompiler {
    private final TransformChain.StepBuilder builder;
    private final RowType input;

    StepCompiler(TransformChain.StepBuilder builder) {
        this.builder = builder;
        this.input = builder.input;
    }

    TransformChain.Step compile(TransformStep transform) {
        if (transform instanceof TransformStep.Filter) {
            return filter((TransformStep.Filter) transform);
        } else if (transform instanceof TransformStep.Compute) {
            return compute((TransformStep.Compute) transform);
        } else if (transform instanceof TransformStep.Rename) {
            return rename((TransformStep.Rename) transform);
        } else if (transform instanceof TransformStep.Cast) {
            return cast((TransformStep.Cast) transform);
        } else if (transform instanceof TransformStep.Select) {
            return select((TransformStep.Select) transform);
        } else if (transform instanceof TransformStep.Drop) {
            return drop((TransformStep.Drop) transform);
        } else if (transform instanceof TransformStep.Flatten) {
            return flatten((TransformStep.Flatten) transform);
        }
        return metadata((TransformStep.AddMetadata) transform);
    }

    private TransformChain.Step filter(TransformStep.Filter filter) {
        Expression expression;
        try {
            expression = Expression.compile(filter.expression(), filter.location(), input);
        } catch (IllegalArgumentException e) {
            builder.problem(filter.location(), e.getMessage());
            return null;
        }
        CelKind kind = expression.resultType() instanceof NullableType
                ? ((NullableType) expression.resultType()).targetType().kind()
                : expression.resultType().kind();
        if (kind != CelKind.BOOL) {
            builder.problem(
                    filter.location(),
                    "a filter must be true or false, and `" + filter.expression() + "` is of type "
                            + expression.resultType().name());
            return null;
        }
        return new TransformChain.FilterStep(input, expression);
    }

    private TransformChain.Step compute(TransformStep.Compute compute) {
        List<TransformChain.Output> outputs = builder.passThrough();
        for (Map.Entry<String, String> column : compute.columns().entrySet()) {
            ConfigLocation where = compute.location().child(column.getKey());
            Expression expression;
            try {
                expression = Expression.compile(column.getValue(), where, input);
            } catch (IllegalArgumentException e) {
                builder.problem(where, e.getMessage());
                continue;
            }
            Type type = CelValues.icebergType(expression.resultType());
            if (type == null) {
                builder.problem(
                        where,
                        "expression `" + column.getValue() + "` is of type "
                                + expression.resultType().name()
                                + ", which no column can hold: convert it with int(), double(), string(), bool() or"
                                + " timestamp()");
                continue;
            }
            Column value = new Column() {
                @Override
                void write(Row in, RecordMetadata record, Row out, int position) {
                    CelValues.store(expression.evaluate(in), out, position);
                }
            };
            int existing = builder.position(column.getKey());
            if (existing >= 0) {
                Types.NestedField old = input.field(existing);
                outputs.set(
                        existing,
                        new TransformChain.Output(
                                Types.NestedField.optional(old.fieldId(), old.name(), type, old.doc()), value));
            } else {
                outputs.add(new TransformChain.Output(builder.newField(column.getKey(), type), value));
            }
        }
        return builder.project(outputs);
    }

    private TransformChain.Step rename(TransformStep.Rename rename) {
        List<TransformChain.Output> outputs = builder.passThrough();
        for (Map.Entry<String, String> entry : rename.names().entrySet()) {
            int position = builder.require(entry.getKey(), rename.location().child(entry.getKey()));
            if (position >= 0) {
                Types.NestedField old = input.field(position);
                outputs.set(
                        position,
                        new TransformChain.Output(
                                Types.NestedField.of(
                                        old.fieldId(), old.isOptional(), entry.getValue(), old.type(), old.doc()),
                                Column.copy(position)));
            }
        }
        return builder.project(outputs);
    }

    private TransformChain.Step cast(TransformStep.Cast cast) {
        List<TransformChain.Output> outputs = builder.passThrough();
        for (Map.Entry<String, String> entry : cast.types().entrySet()) {
            ConfigLocation where = cast.location().child(entry.getKey());
            int position = builder.require(entry.getKey(), where);
            Type target = Casts.type(entry.getValue());
            if (target == null) {
                builder.problem(
                        where,
                        "'" + entry.getValue() + "' is not a type: boolean, int, long, float, double, string, date,"
                                + " timestamp, timestamptz or decimal(precision, scale)");
                continue;
            }
            if (position < 0) {
                continue;
            }
            Types.NestedField old = input.field(position);
            try {
                Column column = Casts.column(old.name(), position, old.type(), target, where.toString());
                outputs.set(
                        position,
                        new TransformChain.Output(
                                Types.NestedField.of(old.fieldId(), old.isOptional(), old.name(), target, old.doc()),
                                column));
            } catch (IllegalArgumentException e) {
                builder.problem(where, e.getMessage());
            }
        }
        return builder.project(outputs);
    }

    private TransformChain.Step select(TransformStep.Select select) {
        List<TransformChain.Output> outputs = new ArrayList<>();
        for (String name : select.fields()) {
            int position = builder.require(name, select.location());
            if (position >= 0) {
                outputs.add(new TransformChain.Output(input.field(position), Column.copy(position)));
            }
        }
        return builder.project(outputs);
    }

    private TransformChain.Step drop(TransformStep.Drop drop) {
        Set<String> dropped = new HashSet<>();
        for (String name : drop.fields()) {
            if (builder.require(name, drop.location()) >= 0) {
                dropped.add(name);
            }
        }
        List<TransformChain.Output> outputs = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) {
            if (!dropped.contains(input.field(i).name())) {
                outputs.add(new TransformChain.Output(input.field(i), Column.copy(i)));
            }
        }
        return builder.project(outputs);
    }

    private TransformChain.Step flatten(TransformStep.Flatten flatten) {
        Set<String> flattened = new HashSet<>();
        for (String name : flatten.fields()) {
            int position = builder.require(name, flatten.location());
            if (position >= 0 && !input.field(position).type().isStructType()) {
                builder.problem(
                        flatten.location(),
                        "field '" + name + "' is of type "
                                + input.field(position).type() + ", not a nested record");
            } else if (position >= 0) {
                flattened.add(name);
            }
        }
        List<TransformChain.Output> outputs = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) {
            Types.NestedField field = input.field(i);
            if (flattened.contains(field.name())) {
                expand(field, field.name(), new int[] {i}, field.isOptional(), flatten.separator(), outputs);
            } else {
                outputs.add(new TransformChain.Output(field, Column.copy(i)));
            }
        }
        return builder.project(outputs);
    }

    private static void expand(
            Types.NestedField struct,
            String prefix,
            int[] path,
            boolean optional,
            String separator,
            List<TransformChain.Output> outputs) {
        List<Types.NestedField> children = struct.type().asStructType().fields();
        for (int i = 0; i < children.size(); i++) {
            Types.NestedField child = children.get(i);
            String name = prefix + separator + child.name();
            int[] childPath = java.util.Arrays.copyOf(path, path.length + 1);
            childPath[path.length] = i;
            boolean childOptional = optional || child.isOptional();
            if (child.type().isStructType()) {
                expand(child, name, childPath, childOptional, separator, outputs);
            } else {
                outputs.add(new TransformChain.Output(
                        Types.NestedField.of(child.fieldId(), childOptional, name, child.type(), child.doc()),
                        Column.nested(childPath)));
            }
        }
    }

    private TransformChain.Step metadata(TransformStep.AddMetadata metadata) {
        List<TransformChain.Output> outputs = builder.passThrough();
        for (Map.Entry<TransformStep.MetadataField, String> entry :
                metadata.columns().entrySet()) {
            TransformStep.MetadataField item = entry.getKey();
            Type type = item == TransformStep.MetadataField.HEADERS
                    ? Types.MapType.ofOptional(
                            builder.nextId++, builder.nextId++, Types.StringType.get(), Types.StringType.get())
                    : metadataType(item);
            outputs.add(new TransformChain.Output(builder.newField(entry.getValue(), type), metadataColumn(item)));
        }
        return builder.project(outputs);
    }

    private static Type metadataType(TransformStep.MetadataField item) {
        switch (item) {
            case TOPIC:
                return Types.StringType.get();
            case PARTITION:
                return Types.IntegerType.get();
            case OFFSET:
                return Types.LongType.get();
            case TIMESTAMP:
                return Types.TimestampType.withZone();
            default:
                return Types.BinaryType.get();
        }
    }

    private static Column metadataColumn(TransformStep.MetadataField item) {
        return new Column() {
            @Override
            void write(Row in, RecordMetadata record, Row out, int position) {
                if (record == null) {
                    throw new IllegalStateException("Cannot add Kafka metadata: the rows come from no Kafka record");
                }
                switch (item) {
                    case TOPIC:
                        out.setReference(position, Utf8Slice.of(record.topic()));
                        break;
                    case PARTITION:
                        out.setInt(position, record.partition());
                        break;
                    case OFFSET:
                        out.setLong(position, record.offset());
                        break;
                    case TIMESTAMP:
                        out.setLong(position, Math.multiplyExact(record.timestamp(), 1000L));
                        break;
                    case KEY:
                        ByteBuffer key = record.key();
                        if (key == null) {
                            out.setNull(position);
                        } else {
                            ByteBuffer copy = ByteBuffer.allocate(key.remaining());
                            copy.put(key.duplicate()).flip();
                            out.setReference(position, copy);
                        }
                        break;
                    default:
                        Map<CharSequence, CharSequence> headers = new LinkedHashMap<>();
                        for (int i = 0; i < record.headerCount(); i++) {
                            byte[] value = record.headerValue(i);
                            headers.put(
                                    Utf8Slice.of(record.headerKey(i)), value == null ? null : Utf8Slice.wrap(value));
                        }
                        out.setReference(position, headers);
                }
            }
        };
    }
}
