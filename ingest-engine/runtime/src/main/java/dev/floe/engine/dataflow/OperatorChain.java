package dev.floe.engine.dataflow;

import dev.floe.engine.spi.dataflow.Collector;
import dev.floe.engine.spi.dataflow.Operator;
import java.util.List;

/** Stateless operators chained on one thread: each one's output is the next one's input. */
public final class OperatorChain {
    private OperatorChain() {}

    /** The collector that feeds {@code operators} in order and then {@code end}. */
    public static Collector of(List<Operator> operators, Collector end) {
        Collector next = end;
        for (int i = operators.size() - 1; i >= 0; i--) {
            Operator operator = operators.get(i);
            Collector downstream = next;
            next = row -> operator.process(row, downstream);
        }
        return next;
    }
}
