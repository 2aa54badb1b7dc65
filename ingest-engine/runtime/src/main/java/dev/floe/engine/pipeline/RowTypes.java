package dev.floe.engine.pipeline;

import dev.floe.engine.spi.row.RowType;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * One {@link RowType} per schema, shared by every subtask, so that operators can tell a schema by
 * reference. Used where rows keep the schema they were decoded with (operators come first).
 */
final class RowTypes {
    private final ConcurrentMap<Types.StructType, RowType> types = new ConcurrentHashMap<>();

    RowType of(Schema schema) {
        return types.computeIfAbsent(schema.asStruct(), struct -> RowType.of(schema));
    }
}
