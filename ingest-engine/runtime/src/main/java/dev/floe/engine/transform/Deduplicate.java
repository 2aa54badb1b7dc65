package dev.floe.engine.transform;

import dev.floe.engine.spi.dataflow.Collector;
import dev.floe.engine.spi.dataflow.KeyedOperator;
import dev.floe.engine.spi.dataflow.KeyedOperatorContext;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.state.StateDescriptor;
import dev.floe.engine.spi.state.StateSerializers;
import dev.floe.engine.spi.state.ValueState;
import java.time.Duration;
import java.util.Objects;
import org.apache.iceberg.Schema;

/**
 * Keeps the first row of each key within a horizon and drops the repeats: a marker per key in keyed
 * state whose time-to-live is the horizon (processing time since the key was first seen), so that
 * state stays bounded and survives restarts.
 */
public final class Deduplicate implements KeyedOperator {
    private final Duration within;
    private ValueState<Long> seen;
    private KeyedOperatorContext context;

    public Deduplicate(Duration within) {
        this.within = Objects.requireNonNull(within, "within");
        if (within.isZero() || within.isNegative()) {
            throw new IllegalArgumentException("Cannot deduplicate: the horizon must be positive, got " + within);
        }
    }

    @Override
    public Schema outputSchema(Schema input) {
        return input;
    }

    @Override
    public void open(KeyedOperatorContext newContext) {
        this.context = newContext;
        this.seen = newContext
                .state()
                .valueState(
                        StateDescriptor.of("dedup.seen", StateSerializers.LONG).withTtl(within));
    }

    @Override
    public void process(Row row, Collector out) {
        if (seen.value() == null) {
            seen.update(context.timers().currentProcessingTime());
            out.collect(row);
        }
    }
}
