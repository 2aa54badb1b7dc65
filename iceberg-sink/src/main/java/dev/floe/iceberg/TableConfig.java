package dev.floe.iceberg;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * A pipeline's table, validated.
 *
 * @param name namespace.table
 * @param partitionBy the partition expressions of a table Floe creates
 * @param formatVersion the format version of a table Floe creates
 * @param targetFileSize bytes at which data files roll; 0 for the table's own setting
 * @param maxOpenFiles open data files per subtask
 * @param properties properties of a table Floe creates
 * @param createTable whether a missing table is created
 */
public record TableConfig(
        String name,
        List<String> partitionBy,
        int formatVersion,
        long targetFileSize,
        int maxOpenFiles,
        Map<String, String> properties,
        boolean createTable) {
    public TableConfig {
        Objects.requireNonNull(name, "name");
        partitionBy = List.copyOf(partitionBy);
        properties = Map.copyOf(properties);
    }

    public TableIdentifier identifier() {
        return TableIdentifier.parse(name);
    }
}
