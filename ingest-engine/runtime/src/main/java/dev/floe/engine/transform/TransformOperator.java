package dev.floe.engine.transform;

import dev.floe.engine.spi.dataflow.Collector;
import dev.floe.engine.spi.dataflow.Operator;
import dev.floe.engine.spi.dataflow.OperatorContext;
import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;

/**
 * A pipeline's stateless transforms as one operator: compiled once per input row type (each writer
 * schema version), then applied to every row of that type. A row type the transforms do not fit
 * (a field they name is gone) makes every row of it a bad record, with the problems as the reason.
 */
public final class TransformOperator implements Operator {
    private final List<TransformStep> transforms;
    private final Map<RowType, Object> compiled = new IdentityHashMap<>();
    private OperatorContext context;
    private RowType lastType;
    private TransformChain last;

    public TransformOperator(List<TransformStep> transforms) {
        this.transforms = List.copyOf(transforms);
    }

    @Override
    public Schema outputSchema(Schema input) {
        return TransformChain.outputSchema(input, transforms);
    }

    @Override
    public void open(OperatorContext newContext) {
        this.context = newContext;
    }

    @Override
    public void process(Row row, Collector out) {
        TransformChain chain = row.type() == lastType ? last : chain(row.type());
        Row result = chain.apply(row, context == null ? null : context.currentRecord());
        if (result != null) {
            out.collect(result);
        }
    }

    private TransformChain chain(RowType type) {
        Object found = compiled.get(type);
        if (found == null) {
            try {
                found = TransformChain.compile(type, transforms);
            } catch (TransformCompileException e) {
                found = e;
            }
            compiled.put(type, found);
        }
        if (found instanceof TransformCompileException) {
            throw new BadRecordException(
                    TransformErrorCode.SCHEMA_MISMATCH,
                    Expression.STAGE,
                    "Cannot transform records of schema " + type + ": "
                            + ((TransformCompileException) found).getMessage());
        }
        lastType = type;
        last = (TransformChain) found;
        return last;
    }
}
