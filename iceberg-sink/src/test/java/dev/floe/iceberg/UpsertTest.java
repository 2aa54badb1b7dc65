package dev.floe.iceberg;

import static dev.floe.iceberg.SinkFixture.checkpoint;
import static dev.floe.iceberg.SinkFixture.offsets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import dev.floe.engine.spi.row.Utf8Slice;
import dev.floe.engine.spi.sink.SinkWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upsert tables: one row per key per checkpoint, equality deletes of every key, one commit per checkpoint. */
class UpsertTest {
    @TempDir
    Path directory;

    private SinkFixture fixture;
    private long offset;

    @BeforeEach
    void fixture() {
        fixture = new SinkFixture(directory);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private static TableConfig upsert(String table, List<String> partitionBy, List<String> key, int bufferRows) {
        return upsert(table, 2, partitionBy, key, bufferRows);
    }

    private static TableConfig upsert(
            String table, int formatVersion, List<String> partitionBy, List<String> key, int bufferRows) {
        return new TableConfig(
                table,
                partitionBy,
                formatVersion,
                0,
                64,
                Map.of(),
                true,
                List.of(),
                List.of(),
                bufferRows,
                true,
                key,
                "note = D");
    }

    private void write(IcebergSink sink, SinkWriter writer, long id, String country, String note) {
        RowType type = sink.rowType(SinkFixture.EVENTS);
        Row row = new Row(type);
        row.setLong(0, id);
        row.setReference(1, Utf8Slice.of(country));
        row.setReference(2, Utf8Slice.of(note));
        row.setOrigin("orders", 0, offset++);
        writer.write(row);
    }

    private void prepare(IcebergSink sink, SinkWriter writer, long id, long from) {
        sink.committer()
                .prepare(
                        checkpoint("up", id, offsets("orders", 0, from), offsets("orders", 0, offset)),
                        List.of(writer.prepareCommit(id)));
    }

    private Map<Long, String> rows(String table) {
        Map<Long, String> rows = new TreeMap<>();
        try (CloseableIterable<Record> records =
                IcebergGenerics.read(fixture.load(table)).build()) {
            for (Record record : records) {
                String previous = rows.put(
                        (Long) record.getField("id"), record.getField("note").toString());
                assertThat(previous)
                        .as("a second row of id %s", record.getField("id"))
                        .isNull();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    @Test
    void eachKeyKeepsItsLastRecordAcrossCheckpointsCommittedTogether() {
        IcebergSink sink = fixture.open("up", upsert("shop.latest", List.of(), List.of("id"), 1000));
        SinkWriter writer = sink.createWriter(0);
        Map<Long, String> expected = new TreeMap<>();
        for (long id = 0; id < 100; id++) {
            write(sink, writer, id, "FR", "a" + id);
            expected.put(id, "a" + id);
        }
        // within the checkpoint: an update of a key written earlier, and a key inserted then deleted
        write(sink, writer, 5, "FR", "b5");
        expected.put(5L, "b5");
        write(sink, writer, 7, "FR", "D");
        expected.remove(7L);
        prepare(sink, writer, 1, 0);
        long second = offset;
        for (long id = 0; id < 10; id++) {
            write(sink, writer, id, "FR", "c" + id);
            expected.put(id, "c" + id);
        }
        write(sink, writer, 20, "FR", "D");
        expected.remove(20L);
        write(sink, writer, 7, "FR", "again");
        expected.put(7L, "again");
        write(sink, writer, 1000, "FR", "D");
        prepare(sink, writer, 2, second);
        long third = offset;
        // a checkpoint of deletes only
        write(sink, writer, 0, "FR", "D");
        write(sink, writer, 99, "FR", "D");
        expected.remove(0L);
        expected.remove(99L);
        prepare(sink, writer, 3, third);

        // one commit for three pending checkpoints: each still gets a snapshot of its own, in order
        sink.committer().commit(3);

        Table table = fixture.load("shop.latest");
        assertThat(table.schema().identifierFieldNames()).containsExactly("id");
        assertThat(rows("shop.latest")).isEqualTo(expected);
        List<Snapshot> snapshots = new java.util.ArrayList<>();
        table.snapshots().forEach(snapshots::add);
        assertThat(snapshots)
                .extracting(snapshot -> snapshot.summary().get(SnapshotMarkers.CHECKPOINT_ID))
                .containsExactly("1", "2", "3");
        assertThat(snapshots.get(0).summary().get("added-records")).isEqualTo("99");
        assertThat(snapshots.get(0).summary().get("added-equality-deletes")).isEqualTo("100");
        assertThat(snapshots.get(2).summary().get("added-records")).isNull();
        assertThat(snapshots.get(2).summary().get("added-equality-deletes")).isEqualTo("2");
    }

    /**
     * Format v3 accepts position deletes only as deletion vectors (Iceberg refuses a v2 position
     * delete file in a v3 commit). An upsert checkpoint needs none: a key's earlier rows of the same
     * checkpoint are replaced in memory, never written, so only equality deletes (allowed on v3)
     * hide the key's rows of earlier checkpoints.
     */
    @Test
    void aFormatVersion3TableTakesUpsertsAsEqualityDeletesOnlyAndReadsBackTheFinalState() {
        IcebergSink sink = fixture.open("up", upsert("shop.latest_v3", 3, List.of(), List.of("id"), 1000));
        SinkWriter writer = sink.createWriter(0);
        Map<Long, String> expected = new TreeMap<>();
        for (long id = 0; id < 50; id++) {
            write(sink, writer, id, "FR", "a" + id);
            expected.put(id, "a" + id);
        }
        // deleted and updated within the checkpoint that wrote them: never reach a file
        write(sink, writer, 3, "FR", "D");
        expected.remove(3L);
        write(sink, writer, 4, "FR", "b4");
        expected.put(4L, "b4");
        prepare(sink, writer, 1, 0);
        sink.committer().commit(1);
        long second = offset;
        // keys of the first checkpoint updated and deleted
        for (long id = 10; id < 20; id++) {
            write(sink, writer, id, "FR", "c" + id);
            expected.put(id, "c" + id);
        }
        write(sink, writer, 30, "FR", "D");
        expected.remove(30L);
        prepare(sink, writer, 2, second);
        sink.committer().commit(2);

        Table table = fixture.load("shop.latest_v3");
        assertThat(((HasTableOperations) table).operations().current().formatVersion())
                .isEqualTo(3);
        assertThat(rows("shop.latest_v3")).isEqualTo(expected);
        List<DeleteFile> deletes = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            tasks.forEach(task -> deletes.addAll(task.deletes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(deletes)
                .isNotEmpty()
                .allSatisfy(file -> assertThat(file.content()).isEqualTo(FileContent.EQUALITY_DELETES));
        assertThat(table.currentSnapshot().summary())
                .containsEntry("added-equality-deletes", "11")
                .doesNotContainKey("added-position-deletes")
                .doesNotContainKey("added-dvs");
    }

    @Test
    void partitionedTablesKeepKeysWithinTheirPartition() {
        IcebergSink sink =
                fixture.open("up", upsert("shop.by_country", List.of("country"), List.of("id", "country"), 1000));
        SinkWriter writer = sink.createWriter(0);
        for (long id = 0; id < 50; id++) {
            write(sink, writer, id, id % 2 == 0 ? "FR" : "DE", "a");
        }
        prepare(sink, writer, 1, 0);
        sink.committer().commit(1);
        long second = offset;
        write(sink, writer, 2, "FR", "b");
        write(sink, writer, 3, "DE", "D");
        prepare(sink, writer, 2, second);
        sink.committer().commit(2);

        Map<Long, String> rows = rows("shop.by_country");
        assertThat(rows)
                .hasSize(49)
                .containsEntry(2L, "b")
                .doesNotContainKey(3L)
                .containsEntry(4L, "a");
    }

    @Test
    void aNullableOrMissingKeyOrAPartitionOutsideTheKeyIsRefusedByName() {
        IcebergSink nullable = fixture.open("up", upsert("shop.nullable", List.of(), List.of("note"), 1000));
        assertThatThrownBy(() -> nullable.rowType(SinkFixture.EVENTS))
                .isInstanceOf(FatalException.class)
                .hasMessage("Cannot upsert into table shop.nullable: identifier field 'note' (sink.identifierFields)"
                        + " is nullable; a key column must be required (an Avro field without null)");
        IcebergSink missing = fixture.open("up2", upsert("shop.missing", List.of(), List.of("sku"), 1000));
        assertThatThrownBy(() -> missing.rowType(SinkFixture.EVENTS))
                .isInstanceOf(FatalException.class)
                .hasMessageStartingWith("Cannot upsert into table shop.missing: identifier field 'sku'"
                        + " (sink.identifierFields) is not a column of ");
        IcebergSink partitioned = fixture.open("up3", upsert("shop.outside", List.of("country"), List.of("id"), 1000));
        SinkWriter writer = partitioned.createWriter(0);
        assertThatThrownBy(() -> write(partitioned, writer, 1, "FR", "a"))
                .isInstanceOf(FatalException.class)
                .hasMessage("Cannot upsert into table shop.outside: it is partitioned by column 'country', which is"
                        + " not one of the identifier fields [id] (sink.identifierFields); a key's rows must stay in"
                        + " one partition for its deletes to reach them");
    }

    @Test
    void moreDistinctKeysThanTheBoundStopThePipelineNamingTheRecord() {
        IcebergSink sink = fixture.open("up", upsert("shop.small", List.of(), List.of("id"), 3));
        SinkWriter writer = sink.createWriter(0);
        write(sink, writer, 1, "FR", "a");
        write(sink, writer, 1, "FR", "b");
        write(sink, writer, 2, "FR", "a");
        assertThatThrownBy(() -> write(sink, writer, 3, "FR", "a"))
                .isInstanceOf(FatalException.class)
                .hasMessage("Cannot upsert the record at orders-0@3 into table shop.small: subtask 0 holds 3"
                        + " distinct keys of this checkpoint, the bound sink.sortBufferRows; raise it or checkpoint"
                        + " more often");
    }

    @Test
    void deleteMarkersAreColumnEqualsValue() {
        assertThat(UpsertKey.checkDeleteWhen("op = 'D'")).isNull();
        assertThat(UpsertKey.checkDeleteWhen("op=D")).isNull();
        assertThat(UpsertKey.checkDeleteWhen("op D")).isEqualTo("'op D' is not 'column = value' (op = D, say)");
    }

    @Test
    void pendingCommitsKeepTheirDeleteManifestsAndOlderVersionsAreStillRead() {
        PendingCommit commit = new PendingCommit(
                4,
                offsets("orders", 0, 10),
                offsets("orders", 0, 20),
                "uuid-1",
                List.of(new PendingCommit.EncodedManifest(new byte[] {1, 2})),
                1,
                10,
                100,
                Map.of(),
                List.of(new PendingCommit.EncodedManifest(new byte[] {3})));
        byte[] encoded = PendingCommitsCodec.encode(
                Map.of("shop.latest", new PendingCommitsCodec.TableState("uuid-1", List.of(commit))));
        assertThat(new String(encoded, java.nio.charset.StandardCharsets.UTF_8)).startsWith("{\"version\":3,");
        assertThat(PendingCommitsCodec.decode(encoded).get("shop.latest").pending())
                .singleElement()
                .satisfies(decoded -> {
                    assertThat(decoded).isEqualTo(commit);
                    assertThat(decoded.deleteManifests()).hasSize(1);
                });
        String version2 = "{\"version\":2,\"tables\":[{\"table\":\"shop.orders\",\"tableUuid\":\"u\",\"pending\":["
                + "{\"checkpointId\":7,\"startOffsets\":{\"orders\":{\"0\":10}},\"offsets\":{\"orders\":{\"0\":12}},"
                + "\"tableUuid\":\"u\",\"files\":1,\"records\":2,\"bytes\":3,\"manifests\":[\"AQI=\"],"
                + "\"lineage\":{\"orders\":{\"0\":[2,10,11]}}}]}]}";
        PendingCommit old = PendingCommitsCodec.decode(version2.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .get("shop.orders")
                .pending()
                .get(0);
        assertThat(old.checkpointId()).isEqualTo(7);
        assertThat(old.manifests()).containsExactly(new PendingCommit.EncodedManifest(new byte[] {1, 2}));
        assertThat(old.deleteManifests()).isEmpty();
    }
}
