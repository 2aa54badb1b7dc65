package dev.floe.engine.spi.dataflow;

import dev.floe.engine.spi.row.Row;

/** Where an operator emits rows. The row may be reused by the operator once this returns. */
@FunctionalInterface
public interface Collector {
    void collect(Row row);
}
