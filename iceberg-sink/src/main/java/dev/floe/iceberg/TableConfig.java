package dev.floe.iceberg;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pipeline's tables, validated.
 *
 * @param name namespace.table, or a template of names with {@code ${topic}} and {@code ${column}}
 *     placeholders (see {@link TableRouter})
 * @param partitionBy the partition expressions of a table Floe creates
 * @param formatVersion the format version of a table Floe creates
 * @param targetFileSize bytes at which data files roll; 0 for the table's own setting
 * @param maxOpenFiles open data files per subtask, over every table it writes
 * @param properties properties of a table Floe creates
 * @param createTable whether a missing table is created
 * @param formerIds ids this pipeline had before it was renamed: their commits count as its own
 * @param sortBy the sort order of a table Floe creates (see {@link SortOrders})
 * @param sortBufferRows rows a subtask buffers to sort them within files, over every table it writes
 * @param upsert whether the table keeps one row per key (mode upsert) instead of appending
 * @param identifierFields for upsert, the key columns; empty for the existing table's own
 * @param deleteWhen for upsert, {@code column = value} marking records that delete their key; null for none
 * @param commit when each table's prepared checkpoints are committed
 */
public record TableConfig(
        String name,
        List<String> partitionBy,
        int formatVersion,
        long targetFileSize,
        int maxOpenFiles,
        Map<String, String> properties,
        boolean createTable,
        List<String> formerIds,
        List<String> sortBy,
        int sortBufferRows,
        boolean upsert,
        List<String> identifierFields,
        String deleteWhen,
        CommitPolicy commit) {
    /** The default of {@link #sortBufferRows}. */
    public static final int DEFAULT_SORT_BUFFER_ROWS = 100_000;

    public TableConfig {
        Objects.requireNonNull(name, "name");
        partitionBy = List.copyOf(partitionBy);
        properties = Map.copyOf(properties);
        formerIds = List.copyOf(formerIds);
        sortBy = List.copyOf(sortBy);
        identifierFields = List.copyOf(identifierFields);
        Objects.requireNonNull(commit, "commit");
        if (sortBufferRows < 1) {
            throw new IllegalArgumentException("sortBufferRows must be at least 1, not " + sortBufferRows);
        }
    }

    /** A config committed at every checkpoint. */
    public TableConfig(
            String name,
            List<String> partitionBy,
            int formatVersion,
            long targetFileSize,
            int maxOpenFiles,
            Map<String, String> properties,
            boolean createTable,
            List<String> formerIds,
            List<String> sortBy,
            int sortBufferRows,
            boolean upsert,
            List<String> identifierFields,
            String deleteWhen) {
        this(
                name,
                partitionBy,
                formatVersion,
                targetFileSize,
                maxOpenFiles,
                properties,
                createTable,
                formerIds,
                sortBy,
                sortBufferRows,
                upsert,
                identifierFields,
                deleteWhen,
                CommitPolicy.EVERY_CHECKPOINT);
    }

    /** An appending config. */
    public TableConfig(
            String name,
            List<String> partitionBy,
            int formatVersion,
            long targetFileSize,
            int maxOpenFiles,
            Map<String, String> properties,
            boolean createTable,
            List<String> formerIds,
            List<String> sortBy,
            int sortBufferRows) {
        this(
                name,
                partitionBy,
                formatVersion,
                targetFileSize,
                maxOpenFiles,
                properties,
                createTable,
                formerIds,
                sortBy,
                sortBufferRows,
                false,
                List.of(),
                null);
    }

    /** A config of tables created unsorted. */
    public TableConfig(
            String name,
            List<String> partitionBy,
            int formatVersion,
            long targetFileSize,
            int maxOpenFiles,
            Map<String, String> properties,
            boolean createTable,
            List<String> formerIds) {
        this(
                name,
                partitionBy,
                formatVersion,
                targetFileSize,
                maxOpenFiles,
                properties,
                createTable,
                formerIds,
                List.of(),
                DEFAULT_SORT_BUFFER_ROWS);
    }

    /** A single table's config with the defaults of everything else. */
    public TableConfig(
            String name,
            List<String> partitionBy,
            int formatVersion,
            long targetFileSize,
            int maxOpenFiles,
            Map<String, String> properties,
            boolean createTable) {
        this(name, partitionBy, formatVersion, targetFileSize, maxOpenFiles, properties, createTable, List.of());
    }

    /** This table with no former pipeline ids: a replay's writer owns none of the pipeline's commits. */
    TableConfig withoutFormerIds() {
        return new TableConfig(
                name,
                partitionBy,
                formatVersion,
                targetFileSize,
                maxOpenFiles,
                properties,
                createTable,
                List.of(),
                sortBy,
                sortBufferRows,
                upsert,
                identifierFields,
                deleteWhen,
                commit);
    }
}
