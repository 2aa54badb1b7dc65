package dev.floe.iceberg;

import static dev.floe.iceberg.SinkFixture.checkpoint;
import static dev.floe.iceberg.SinkFixture.offsets;
import static dev.floe.iceberg.SinkFixture.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.spi.error.BadRecordException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.DestinationStatus;
import dev.floe.engine.spi.sink.SinkWriter;
import dev.floe.engine.spi.sink.SourceOffsets;
import dev.floe.iceberg.testing.FaultInjectingJdbcCatalog;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One pipeline into many tables: routing, the shared bound on open files, independent commits. */
class RoutedTablesTest {
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

    @Test
    void routesEachTopicToATableOfItsOwnCreatedWhenFirstNeeded() {
        IcebergSink sink = fixture.open("raw", SinkFixture.tables("raw.${topic}", 64, List.of()));
        SinkWriter writer = sink.createWriter(0);
        SinkFixture.write(sink, writer, "orders-eu", 0, 30, offset -> "FR");
        SinkFixture.write(sink, writer, "Payments", 0, 12, offset -> "DE");

        sink.committer()
                .prepare(
                        checkpoint(
                                "raw",
                                1,
                                offsets("orders-eu", 0, 0, "Payments", 0, 0),
                                offsets("orders-eu", 0, 30, "Payments", 0, 12)),
                        List.of(writer.prepareCommit(1)));
        sink.committer().commit(1);

        assertThat(fixture.ids("raw.orders_eu")).isEqualTo(range(0, 30));
        assertThat(fixture.ids("raw.payments")).isEqualTo(range(0, 12));
        assertThat(fixture.summaries("raw.orders_eu"))
                .singleElement()
                .satisfies(summary -> assertThat(summary)
                        .containsEntry("floe.pipeline", "raw")
                        .containsEntry("floe.checkpoint-id", "1")
                        .containsEntry(
                                "floe.ranges", "{\"Payments\":{\"0\":[0,12,0]},\"orders-eu\":{\"0\":[0,30,30,0,29]}}"));
        assertThat(sink.status())
                .extracting(DestinationStatus::name, DestinationStatus::committedCheckpoint)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("raw.orders_eu", 1L),
                        org.assertj.core.groups.Tuple.tuple("raw.payments", 1L));
    }

    @Test
    void routesByAColumnAndDeadLettersRowsWhoseColumnIsNull() {
        IcebergSink sink = fixture.open("by-country", SinkFixture.tables("sales.orders_${country}", 64, List.of()));
        SinkWriter writer = sink.createWriter(0);
        SinkFixture.write(sink, writer, "orders", 0, 20, offset -> offset % 2 == 0 ? "FR" : "us-east");
        sink.committer()
                .prepare(
                        checkpoint("by-country", 1, offsets("orders", 0, 0), offsets("orders", 0, 20)),
                        List.of(writer.prepareCommit(1)));
        sink.committer().commit(1);

        assertThat(fixture.ids("sales.orders_fr")).hasSize(10).allMatch(id -> id % 2 == 0);
        assertThat(fixture.ids("sales.orders_us_east")).hasSize(10).allMatch(id -> id % 2 == 1);

        RowType type = sink.rowType(SinkFixture.EVENTS);
        Row nullCountry = SinkFixture.event(type, "orders", 0, 20, "x");
        nullCountry.setNull(1);
        assertThatThrownBy(() -> writer.write(nullCountry))
                .isInstanceOf(BadRecordException.class)
                .hasMessage("Cannot route the record at orders-0@20 to a table of 'sales.orders_${country}': its"
                        + " column 'country' is null");
    }

    @Test
    void fanOutIntoManyTablesNeverHoldsMoreOpenFilesThanTheBound() {
        int tables = 24;
        int bound = 6;
        IcebergSink sink = fixture.open("fan-out", SinkFixture.tables("fan.t_${country}", bound, List.of()));
        SinkWriter writer = sink.createWriter(0);
        // interleaved: every table gets a row, again and again, so files are closed and reopened
        SinkFixture.write(sink, writer, "events", 0, tables * 20L, offset -> "n" + (offset % tables));
        sink.committer()
                .prepare(
                        checkpoint("fan-out", 1, offsets("events", 0, 0), offsets("events", 0, tables * 20L)),
                        List.of(writer.prepareCommit(1)));
        sink.committer().commit(1);

        assertThat(((IcebergSinkWriter) writer).mostOpenFiles()).isEqualTo(bound);
        for (int table = 0; table < tables; table++) {
            long remainder = table;
            assertThat(fixture.ids("fan.t_n" + table))
                    .as("table %d", table)
                    .hasSize(20)
                    .allMatch(id -> id % tables == remainder);
        }
    }

    @Test
    void oneFailingTableNeitherBlocksNorAbortsTheOthers() {
        IcebergSink sink = fixture.open("isolated", SinkFixture.tables("raw.${topic}", 64, List.of()));
        SinkWriter writer = sink.createWriter(0);
        SinkFixture.write(sink, writer, "good", 0, 10, offset -> "FR");
        SinkFixture.write(sink, writer, "bad", 0, 10, offset -> "FR");
        SourceOffsets start = offsets("good", 0, 0, "bad", 0, 0);
        SourceOffsets first = offsets("good", 0, 10, "bad", 0, 10);
        sink.committer().prepare(checkpoint("isolated", 1, start, first), List.of(writer.prepareCommit(1)));
        FaultInjectingJdbcCatalog.arm("raw.bad", FaultInjectingJdbcCatalog.Fault.REFUSE, Integer.MAX_VALUE);

        sink.committer().commit(1);

        assertThat(fixture.ids("raw.good")).isEqualTo(range(0, 10));
        assertThat(fixture.ids("raw.bad")).isEmpty();
        assertThat(sink.status())
                .filteredOn(status -> status.name().equals("raw.bad"))
                .singleElement()
                .satisfies(status -> {
                    assertThat(status.healthy()).isFalse();
                    assertThat(status.problem()).contains("Cannot commit checkpoint 1 to table raw.bad");
                    assertThat(status.pendingCheckpoints()).isEqualTo(1);
                });

        // the next checkpoint: the good table goes on, its resume offsets wait for the bad one
        SinkFixture.write(sink, writer, "good", 10, 15, offset -> "FR");
        SourceOffsets second = offsets("good", 0, 15, "bad", 0, 10);
        sink.committer().prepare(checkpoint("isolated", 2, first, second), List.of(writer.prepareCommit(2)));
        sink.committer().commit(2);
        assertThat(fixture.ids("raw.good")).isEqualTo(range(0, 15));
        assertThat(fixture.summaries("raw.good").get(1))
                .containsEntry("floe.resume-offsets", "{\"bad\":{\"0\":0},\"good\":{\"0\":15}}");
        assertThat(sink.committed()).contains(new CommittedPosition(2, offsets("bad", 0, 0, "good", 0, 15)));

        // the catalog takes the bad table's commits again: it catches up at the next commit
        FaultInjectingJdbcCatalog.disarm("raw.bad");
        sink.committer().prepare(checkpoint("isolated", 3, second, second), List.of(writer.prepareCommit(3)));
        sink.committer().commit(3);
        assertThat(fixture.ids("raw.bad")).isEqualTo(range(0, 10));
        assertThat(sink.status())
                .allSatisfy(status -> assertThat(status.healthy()).isTrue());
        assertThat(sink.committed()).contains(new CommittedPosition(2, second));
    }

    @Test
    void theTablesOfOneCheckpointAreCommittedAtOnce() {
        IcebergSink sink = fixture.open("parallel", SinkFixture.tables("raw.${topic}", 64, List.of()));
        SinkWriter writer = sink.createWriter(0);
        List<String> topics = List.of("t1", "t2", "t3", "t4");
        for (String topic : topics) {
            SinkFixture.write(sink, writer, topic, 0, 5, offset -> "FR");
        }
        SourceOffsets start = offsets("t1", 0, 0, "t2", 0, 0, "t3", 0, 0, "t4", 0, 0);
        SourceOffsets end = offsets("t1", 0, 5, "t2", 0, 5, "t3", 0, 5, "t4", 0, 5);
        sink.committer().prepare(checkpoint("parallel", 1, start, end), List.of(writer.prepareCommit(1)));
        // each table's commit waits for the other three: one after another, they would all be refused
        FaultInjectingJdbcCatalog.rendezvous(topics.size(), java.time.Duration.ofSeconds(30));

        sink.committer().commit(1);

        for (String topic : topics) {
            assertThat(fixture.ids("raw." + topic)).as(topic).isEqualTo(range(0, 5));
        }
        assertThat(sink.status())
                .allSatisfy(status -> assertThat(status.healthy()).isTrue());
        assertThat(sink.committer().pendingCheckpoints()).isZero();
    }

    @Test
    void everyTableFailingMakesTheCommitRetriable() {
        IcebergSink sink = fixture.open("down", SinkFixture.tables("raw.${topic}", 64, List.of()));
        SinkWriter writer = sink.createWriter(0);
        SinkFixture.write(sink, writer, "only", 0, 3, offset -> "FR");
        sink.committer()
                .prepare(
                        checkpoint("down", 1, offsets("only", 0, 0), offsets("only", 0, 3)),
                        List.of(writer.prepareCommit(1)));
        FaultInjectingJdbcCatalog.arm("raw.only", FaultInjectingJdbcCatalog.Fault.REFUSE, Integer.MAX_VALUE);

        assertThatThrownBy(() -> sink.committer().commit(1))
                .isInstanceOf(dev.floe.engine.spi.error.RetriableException.class)
                .hasMessageContaining("Cannot commit checkpoint 1 to table raw.only");
        assertThat(sink.committer().pendingCheckpoints()).isEqualTo(1);
    }

    @Test
    void restartWithoutCheckpointResumesWhereEveryTableIsCompleteAndEachTableSkipsWhatItHolds() {
        TableConfig tables = SinkFixture.tables("raw.t_${country}", 64, List.of());
        IcebergSink sink = fixture.open("wiped", tables);
        SinkWriter writer = sink.createWriter(0);
        // one partition, even offsets to table t_a, odd ones to t_b; t_a's second commit fails
        SinkFixture.write(sink, writer, "mixed", 0, 10, RoutedTablesTest::evenOdd);
        sink.committer()
                .prepare(
                        checkpoint("wiped", 1, offsets("mixed", 0, 0), offsets("mixed", 0, 10)),
                        List.of(writer.prepareCommit(1)));
        sink.committer().commit(1);
        SinkFixture.write(sink, writer, "mixed", 10, 20, RoutedTablesTest::evenOdd);
        sink.committer()
                .prepare(
                        checkpoint("wiped", 2, offsets("mixed", 0, 10), offsets("mixed", 0, 20)),
                        List.of(writer.prepareCommit(2)));
        FaultInjectingJdbcCatalog.arm("raw.t_a", FaultInjectingJdbcCatalog.Fault.REFUSE, Integer.MAX_VALUE);
        sink.committer().commit(2);
        FaultInjectingJdbcCatalog.disarm("raw.t_a");
        assertThat(fixture.ids("raw.t_a")).isEqualTo(evens(0, 10));
        assertThat(fixture.ids("raw.t_b")).isEqualTo(odds(0, 20));

        // the process dies and its checkpoint storage is lost: a new sink knows only the tables
        IcebergSink restarted = fixture.open("wiped", tables);
        CommittedPosition position = restarted.committed().orElseThrow();
        assertThat(position).isEqualTo(new CommittedPosition(2, offsets("mixed", 0, 10)));

        // reading resumes at offset 10; t_b, which has 10..19, skips them, t_a writes them
        SinkWriter again = restarted.createWriter(0);
        SinkFixture.write(restarted, again, "mixed", 10, 25, RoutedTablesTest::evenOdd);
        restarted
                .committer()
                .prepare(
                        checkpoint("wiped", 3, offsets("mixed", 0, 10), offsets("mixed", 0, 25)),
                        List.of(again.prepareCommit(3)));
        restarted.committer().commit(3);

        assertThat(fixture.ids("raw.t_a")).isEqualTo(evens(0, 25));
        assertThat(fixture.ids("raw.t_b")).isEqualTo(odds(0, 25));
        assertThat(fixture.summaries("raw.t_b").get(2))
                .as("the lineage of t_b's third commit starts where its second ended")
                .containsEntry("floe.ranges", "{\"mixed\":{\"0\":[20,25,2,21,23]}}");
    }

    private static String evenOdd(long offset) {
        return offset % 2 == 0 ? "a" : "b";
    }

    private static List<Long> evens(long from, long to) {
        return range(from, to).stream().filter(value -> value % 2 == 0).toList();
    }

    private static List<Long> odds(long from, long to) {
        return range(from, to).stream().filter(value -> value % 2 == 1).toList();
    }
}
