package dev.floe.engine.spi.dataflow;

import dev.floe.engine.spi.row.Row;

/**
 * The key of a row, as bytes: rows with equal keys go to the same subtask and share state. The
 * bytes must not depend on anything but the key's value (not on the row's buffer or schema).
 */
@FunctionalInterface
public interface KeySelector {
    byte[] key(Row row);
}
