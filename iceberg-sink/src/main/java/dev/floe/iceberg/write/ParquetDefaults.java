package dev.floe.iceberg.write;

import java.util.Map;
import org.apache.iceberg.TableProperties;

/**
 * Parquet settings Floe's data writers use where the table sets none of its own.
 *
 * <p>The dictionary limit: Parquet dictionary-encodes every column until a column chunk's
 * dictionary outgrows the limit, then re-encodes the chunk plainly. Columns of unique values (ids,
 * event times, amounts) always end up plain, after hashing every value up to the limit for nothing;
 * with Iceberg's default of 2 MB that is 262,144 longs per column and file, most of a file written
 * between two checkpoints. At 256 KB the orders benchmark decodes and encodes with 20-30 % less CPU
 * (docs/benchmarks.md, "Append ingestion") for files 0.5 % larger, while columns of up to some
 * 10,000-20,000 distinct short strings (customers, countries, SKUs) keep their dictionaries. Floe's
 * files are short-lived: compaction rewrites them with the table's own settings.
 */
public final class ParquetDefaults {
    /** Bytes a column chunk's dictionary may take before the column falls back to plain encoding. */
    public static final int DICTIONARY_SIZE_BYTES = 256 * 1024;

    private ParquetDefaults() {}

    /** The settings to add to a data writer of a table with {@code tableProperties}. */
    public static Map<String, String> forTable(Map<String, String> tableProperties) {
        if (tableProperties.containsKey(TableProperties.PARQUET_DICT_SIZE_BYTES)) {
            return Map.of();
        }
        return Map.of(TableProperties.PARQUET_DICT_SIZE_BYTES, Integer.toString(DICTIONARY_SIZE_BYTES));
    }
}
