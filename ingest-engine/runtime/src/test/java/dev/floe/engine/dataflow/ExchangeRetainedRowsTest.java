package dev.floe.engine.dataflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.engine.spi.dataflow.KeySelector;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * A producer refills one row for every record (the decoder's, with the same string slices over a
 * rewritten buffer here); the rows and keys it handed to the keyBy exchange must stay as they were.
 */
class ExchangeRetainedRowsTest {
    private static final RowType TYPE = RowType.of(new Schema(
            Types.NestedField.required(1, "customer", Types.StringType.get()),
            Types.NestedField.required(2, "amount", Types.LongType.get())));

    private final byte[] buffer = new byte[32];

    private Row fill(Row row, String customer, long amount) {
        byte[] bytes = customer.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, buffer, 3, bytes.length);
        row.setString(0, buffer, 3, bytes.length);
        row.setLong(1, amount);
        return row;
    }

    @Test
    void rowsAndKeysHandedOverKeepTheirValuesWhenTheProducerRefillsItsRow() throws InterruptedException {
        Exchange exchange = new Exchange(1, 1, 128, 2, 4);
        KeySelector keys = KeySelectors.fields(List.of("customer"));
        ExchangeOutput output = exchange.output(0, keys);
        Row row = new Row(TYPE);

        output.emit(fill(row, "ada", 1));
        output.emit(fill(row, "grace", 2)); // fills the batch of two: handed over
        fill(row, "linus", 3);

        Element.Batch batch = (Element.Batch) exchange.gate(0).take(1, TimeUnit.SECONDS);
        assertThat(batch.size).isEqualTo(2);
        assertThat(batch.rows[0].getReference(0).toString()).isEqualTo("ada");
        assertThat(batch.rows[0].getLong(1)).isEqualTo(1);
        assertThat(batch.rows[1].getReference(0).toString()).isEqualTo("grace");
        assertThat(batch.rows[0].getReference(0)).isNotSameAs(row.getReference(0));
        assertThat(batch.keys[0]).isEqualTo(keys.key(fill(new Row(TYPE), "ada", 1)));
        assertThat(batch.keys[1]).isEqualTo(keys.key(fill(new Row(TYPE), "grace", 2)));
    }
}
