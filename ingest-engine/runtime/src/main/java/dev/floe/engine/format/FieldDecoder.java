package dev.floe.engine.format;

import dev.floe.engine.spi.row.Row;

/**
 * Reads one writer value from Avro bytes and stores it in a row slot, converted to the column's
 * type. One compiled tree of these exists per (writer schema, table schema) pair.
 */
abstract class FieldDecoder {
    /** Reads a value and stores it at {@code position} of {@code row}. */
    abstract void decode(AvroInput in, Row row, int position);

    /**
     * Reads a value and returns it in its {@link Row#get} representation, for elements of lists
     * and values of maps.
     */
    abstract Object value(AvroInput in);
}
