package dev.floe.iceberg;

import static dev.floe.iceberg.SinkFixture.offsets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.spi.deadletter.Bytes;
import dev.floe.engine.spi.deadletter.DeadLetter;
import dev.floe.engine.spi.deadletter.DeadLetterDelivery;
import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.iceberg.testing.FaultInjectingJdbcCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dead letters in an Iceberg table: every column, once per checkpoint, whatever is repeated. */
class DeadLetterTableTest {
    private static final Instant FAILED_AT = Instant.parse("2026-03-01T10:15:30Z");

    @TempDir
    Path directory;

    private SinkFixture fixture;

    @BeforeEach
    void fixture() {
        fixture = new SinkFixture(directory);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private DeadLetterDelivery open(String pipeline, String table) {
        return fixture.open(pipeline, SinkFixture.tables("sales.orders", 64, List.of()))
                .deadLetterTable(table)
                .orElseThrow();
    }

    private static DeadLetter letter(long offset, String reason) {
        return new DeadLetter(
                "orders",
                0,
                offset,
                1_700_000_000_000L + offset,
                Bytes.copyOf(("key-" + offset).getBytes(StandardCharsets.UTF_8)),
                Bytes.copyOf(new byte[] {0, 0, 0, 0, 7, (byte) offset}),
                List.of(new DeadLetter.Header("trace", Bytes.copyOf("t-1".getBytes(StandardCharsets.UTF_8)))),
                "decode",
                "UNKNOWN_SCHEMA",
                reason,
                FAILED_AT);
    }

    private List<Record> rows(String table) {
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> read =
                IcebergGenerics.read(fixture.load(table)).build()) {
            read.forEach(row -> rows.add(row.copy()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rows.sort((a, b) -> Long.compare((Long) a.getField("source_offset"), (Long) b.getField("source_offset")));
        return rows;
    }

    @Test
    void createsTheTableWhenMissingAndKeepsEveryFieldOfADeadLetter() {
        DeadLetterDelivery delivery = open("orders", "quarantine.orders_dead");
        assertThat(fixture.exists("quarantine.orders_dead"))
                .as("created when opened")
                .isTrue();
        assertThat(delivery.delivered().isEmpty()).isTrue();

        DeadLetter withoutKey = new DeadLetter(
                "orders", 1, 9, -1, null, null, List.of(), "write", "VALUE_REJECTED", "too long", FAILED_AT);
        delivery.deliver(
                3, List.of(letter(4, "schema id 7 is unknown"), withoutKey), offsets("orders", 0, 10, "orders", 1, 12));

        List<Record> rows = rows("quarantine.orders_dead");
        assertThat(rows).hasSize(2);
        Record first = rows.get(0);
        assertThat(first.getField("pipeline")).isEqualTo("orders");
        assertThat(first.getField("checkpoint_id")).isEqualTo(3L);
        assertThat(first.getField("source_topic")).isEqualTo("orders");
        assertThat(first.getField("source_partition")).isEqualTo(0);
        assertThat(first.getField("source_offset")).isEqualTo(4L);
        assertThat(first.getField("source_timestamp"))
                .isEqualTo(Instant.ofEpochMilli(1_700_000_000_004L).atOffset(ZoneOffset.UTC));
        assertThat(first.getField("key")).isEqualTo(ByteBuffer.wrap("key-4".getBytes(StandardCharsets.UTF_8)));
        assertThat(first.getField("value")).isEqualTo(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 7, 4}));
        assertThat(first.getField("headers")).isEqualTo(Map.of("trace", "t-1"));
        assertThat(first.getField("stage")).isEqualTo("decode");
        assertThat(first.getField("error_code")).isEqualTo("UNKNOWN_SCHEMA");
        assertThat(first.getField("error_message")).isEqualTo("schema id 7 is unknown");
        assertThat(first.getField("failed_at")).isEqualTo(OffsetDateTime.ofInstant(FAILED_AT, ZoneOffset.UTC));
        Record second = rows.get(1);
        assertThat(second.getField("source_partition")).isEqualTo(1);
        assertThat(second.getField("key")).isNull();
        assertThat(second.getField("value")).isNull();
        assertThat(second.getField("source_timestamp")).isNull();

        assertThat(fixture.summaries("quarantine.orders_dead"))
                .singleElement()
                .satisfies(summary -> assertThat(summary)
                        .containsEntry("floe.pipeline", "orders")
                        .containsEntry("floe.checkpoint-id", "3")
                        .containsEntry("floe.offsets", "{\"orders\":{\"0\":10,\"1\":12}}")
                        .containsEntry("floe.dead-letters", "2"));
        assertThat(fixture.load("quarantine.orders_dead").refs()).containsKey("floe-orders");
        assertThat(delivery.delivered()).isEqualTo(offsets("orders", 0, 10, "orders", 1, 12));
    }

    @Test
    void aCheckpointDeliveredAgainAfterARestartIsInTheTableOnce() {
        open("orders", "quarantine.dead")
                .deliver(5, List.of(letter(1, "bad"), letter(2, "bad")), offsets("orders", 0, 3));

        // a restart redoes the stored checkpoint's commit sequence: the table already holds it
        DeadLetterDelivery restarted = open("orders", "quarantine.dead");
        assertThat(restarted.delivered()).isEqualTo(offsets("orders", 0, 3));
        restarted.deliver(5, List.of(letter(1, "bad"), letter(2, "bad")), offsets("orders", 0, 3));
        restarted.deliver(6, List.of(letter(7, "worse")), offsets("orders", 0, 8));

        assertThat(rows("quarantine.dead"))
                .extracting(row -> row.getField("source_offset"))
                .containsExactly(1L, 2L, 7L);
        assertThat(fixture.summaries("quarantine.dead"))
                .extracting(summary -> summary.get("floe.checkpoint-id"))
                .containsExactly("5", "6");
    }

    @Test
    void aRunWithoutCheckpointStorageThatReusesACheckpointIdStillDeliversItsNewLetters() {
        DeadLetterDelivery delivery = open("orders", "quarantine.dead");
        delivery.deliver(5, List.of(letter(1, "bad")), offsets("orders", 0, 3));
        // storage lost after this append, before the data's commit: checkpoint 5 is numbered again
        // and re-reads from the data's offsets, meeting letter 1 again and a new one
        delivery.deliver(5, List.of(letter(1, "bad"), letter(4, "bad")), offsets("orders", 0, 6));

        assertThat(rows("quarantine.dead"))
                .extracting(row -> row.getField("source_offset"))
                .containsExactly(1L, 4L);
        assertThat(delivery.delivered()).isEqualTo(offsets("orders", 0, 6));
    }

    @Test
    void aPartitionsMarkerNeverMovesBack() {
        DeadLetterDelivery delivery = open("orders", "quarantine.dead");
        delivery.deliver(1, List.of(letter(4, "bad")), offsets("orders", 0, 6));
        DeadLetter ofPartition1 =
                new DeadLetter("orders", 1, 4, 0, null, null, List.of(), "decode", "CORRUPT_RECORD", "bad", FAILED_AT);
        delivery.deliver(2, List.of(ofPartition1), offsets("orders", 0, 2, "orders", 1, 5));

        assertThat(delivery.delivered()).isEqualTo(offsets("orders", 0, 6, "orders", 1, 5));
        delivery.deliver(3, List.of(letter(4, "bad")), offsets("orders", 0, 6, "orders", 1, 5));
        assertThat(rows("quarantine.dead")).hasSize(2);
    }

    @Test
    void anAppendWhoseOutcomeWasUnknownButLandedIsNotRepeated() {
        DeadLetterDelivery delivery = open("orders", "quarantine.dead");
        FaultInjectingJdbcCatalog.arm("quarantine.dead", FaultInjectingJdbcCatalog.Fault.UNKNOWN_AFTER_COMMIT, 1);

        assertThatThrownBy(() -> delivery.deliver(2, List.of(letter(0, "bad")), offsets("orders", 0, 1)))
                .isInstanceOf(RetriableException.class)
                .hasMessageContaining("Cannot tell yet whether the dead letters of checkpoint 2 of pipeline orders"
                        + " reached table quarantine.dead");
        delivery.deliver(2, List.of(letter(0, "bad")), offsets("orders", 0, 1));

        assertThat(rows("quarantine.dead")).hasSize(1);
    }

    @Test
    void anAppendTheCatalogRefusedIsDoneByTheNextAttempt() {
        DeadLetterDelivery delivery = open("orders", "quarantine.dead");
        // refused for longer than Iceberg's own retries last
        FaultInjectingJdbcCatalog.arm("quarantine.dead", FaultInjectingJdbcCatalog.Fault.REFUSE, 100);

        assertThatThrownBy(() -> delivery.deliver(2, List.of(letter(0, "bad")), offsets("orders", 0, 1)))
                .isInstanceOf(RetriableException.class)
                .hasMessageContaining("Cannot commit the dead letters of checkpoint 2 to table quarantine.dead");
        FaultInjectingJdbcCatalog.disarm("quarantine.dead");
        assertThat(delivery.delivered().isEmpty()).isTrue();
        delivery.deliver(2, List.of(letter(0, "bad")), offsets("orders", 0, 1));

        assertThat(rows("quarantine.dead")).hasSize(1);
        assertThat(delivery.delivered()).isEqualTo(offsets("orders", 0, 1));
    }

    @Test
    void aCheckpointWithoutDeadLettersAddsNoSnapshot() {
        DeadLetterDelivery delivery = open("orders", "quarantine.dead");
        delivery.deliver(1, List.of(letter(0, "bad")), offsets("orders", 0, 1));
        delivery.deliver(2, List.of(), offsets("orders", 0, 50));

        assertThat(fixture.summaries("quarantine.dead")).hasSize(1);
        assertThat(delivery.delivered()).isEqualTo(offsets("orders", 0, 1));
    }

    @Test
    void keepsTheMarkerOfPartitionsAnotherInstanceDelivers() {
        open("orders", "quarantine.dead").deliver(1, List.of(letter(0, "bad")), offsets("orders", 0, 1));
        DeadLetterDelivery other = open("orders", "quarantine.dead");
        DeadLetter ofPartition1 =
                new DeadLetter("orders", 1, 4, 0, null, null, List.of(), "decode", "CORRUPT_RECORD", "bad", FAILED_AT);
        other.deliver(2, List.of(ofPartition1), offsets("orders", 1, 5));

        assertThat(other.delivered()).isEqualTo(offsets("orders", 0, 1, "orders", 1, 5));
    }

    @Test
    void refusesTheTableThePipelineWritesItsDataTo() {
        IcebergSink fixed = fixture.open("orders", SinkFixture.tables("sales.orders", 64, List.of()));
        assertThatThrownBy(() -> fixed.deadLetterTable("sales.orders"))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("Cannot keep the dead letters of pipeline orders in table sales.orders: the"
                        + " pipeline writes its data there");
        IcebergSink routed = fixture.open("raw", SinkFixture.tables("raw.${topic}", 64, List.of()));
        assertThatThrownBy(() -> routed.deadLetterTable("raw.dead_letters"))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("sink.table raw.${topic}");
    }

    @Test
    void refusesAnExistingTableWithoutTheColumnsOfDeadLetters() {
        fixture.withCatalog(catalog -> {
            ((SupportsNamespaces) catalog).createNamespace(Namespace.of("quarantine"));
            return catalog.createTable(
                    TableIdentifier.parse("quarantine.other"),
                    new Schema(Types.NestedField.required(1, "id", Types.LongType.get())),
                    PartitionSpec.unpartitioned(),
                    new HashMap<>());
        });

        assertThatThrownBy(() -> open("orders", "quarantine.other"))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("Cannot keep the dead letters of pipeline orders in table quarantine.other: it"
                        + " has no column pipeline of type string");
    }
}
