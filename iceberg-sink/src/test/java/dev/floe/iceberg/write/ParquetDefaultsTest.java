package dev.floe.iceberg.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.iceberg.TableProperties;
import org.junit.jupiter.api.Test;

class ParquetDefaultsTest {
    @Test
    void limitsDictionariesOfTablesThatSetNoLimit() {
        assertThat(ParquetDefaults.forTable(Map.of(TableProperties.PARQUET_COMPRESSION, "zstd")))
                .containsExactly(Map.entry(TableProperties.PARQUET_DICT_SIZE_BYTES, "262144"));
    }

    @Test
    void keepsTheTablesOwnDictionaryLimit() {
        assertThat(ParquetDefaults.forTable(Map.of(TableProperties.PARQUET_DICT_SIZE_BYTES, "4194304")))
                .isEmpty();
    }
}
