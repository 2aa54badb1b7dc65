package dev.floe.iceberg;

import static dev.floe.iceberg.SinkFixture.checkpoint;
import static dev.floe.iceberg.SinkFixture.offsets;
import static dev.floe.iceberg.SinkFixture.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.spi.error.FatalException;
import dev.floe.engine.spi.error.FloeException;
import dev.floe.engine.spi.error.RetriableException;
import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.SinkWriter;
import dev.floe.iceberg.testing.FaultInjectingJdbcCatalog;
import dev.floe.iceberg.testing.FaultInjectingJdbcCatalog.Fault;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ways others' exactly-once broke in public (DESIGN.md, "Checkpoints and the exactly-once
 * commit"), each a test against a real Iceberg JDBC catalog, in the order of issue F6's list:
 *
 * <ol>
 *   <li>a restart with the checkpoint storage wiped;
 *   <li>a renamed pipeline, and a pipeline moved to another instance;
 *   <li>snapshot expiry by another tool;
 *   <li>a commit whose outcome is unknown (CommitStateUnknownException, a timeout);
 *   <li>a table dropped and re-created under the same name;
 *   <li>two instances pointed at the same table.
 * </ol>
 *
 * <p>The end-to-end versions (a real broker, Trino's {@code expire_snapshots}) are in the {@code
 * it} module's {@code CommitHardeningIT}.
 */
class CommitHardeningTest {
    private static final String TOPIC = "events";
    private static final String TABLE = "hard.events";

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

    private IcebergSink open(String pipeline, List<String> formerIds) {
        return fixture.open(pipeline, SinkFixture.tables(TABLE, 64, formerIds));
    }

    /** Writes offsets {@code [from, to)} of the topic's partition 0 and prepares them as checkpoint {@code id}. */
    private static byte[] prepare(IcebergSink sink, SinkWriter writer, String pipeline, long id, long from, long to) {
        SinkFixture.write(sink, writer, TOPIC, from, to, offset -> "FR");
        return sink.committer()
                .prepare(
                        checkpoint(pipeline, id, offsets(TOPIC, 0, from), offsets(TOPIC, 0, to)),
                        List.of(writer.prepareCommit(id)));
    }

    private List<String> checkpointIds() {
        return fixture.summaries(TABLE).stream()
                .map(summary -> summary.get(SnapshotMarkers.CHECKPOINT_ID))
                .toList();
    }

    // 1. checkpoint storage wiped

    @Test
    void restartWithCheckpointStorageWipedResumesFromTheTableNeitherDroppingNorRepeatingCommits() {
        IcebergSink first = open("orders", List.of());
        SinkWriter writer = first.createWriter(0);
        prepare(first, writer, "orders", 1, 0, 10);
        first.committer().commit(1);
        prepare(first, writer, "orders", 2, 10, 20);
        first.committer().commit(2);
        // checkpoint 3 is stored but the process dies before its commit, and its storage is lost
        prepare(first, writer, "orders", 3, 20, 30);

        IcebergSink restarted = open("orders", List.of());
        CommittedPosition position = restarted.committed().orElseThrow();
        assertThat(position)
                .as("the table, not the lost storage, says where to resume and which id comes next")
                .isEqualTo(new CommittedPosition(2, offsets(TOPIC, 0, 20)));

        // the engine numbers the next checkpoint after the table's and reads from its offsets;
        // a source that re-delivers records the table holds (offsets 15..19) has them skipped
        SinkWriter again = restarted.createWriter(0);
        SinkFixture.write(restarted, again, TOPIC, 15, 20, offset -> "FR");
        prepare(restarted, again, "orders", 3, 20, 35);
        restarted.committer().commit(3);

        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 35));
        assertThat(checkpointIds()).containsExactly("1", "2", "3");
        assertThat(fixture.summaries(TABLE).get(2))
                .containsEntry(SnapshotMarkers.RANGES, "{\"events\":{\"0\":[20,35,15,20,34]}}");
    }

    @Test
    void restartWithCheckpointStorageWipedRefusesToSkipACheckpointWhoseIdTheTableHoldsButNotItsRecords() {
        IcebergSink first = open("orders", List.of());
        SinkWriter writer = first.createWriter(0);
        prepare(first, writer, "orders", 5, 0, 10);
        first.committer().commit(5);

        // a restart that numbered its checkpoints from 1 again: "the table holds checkpoint 2"
        // must not make records 10..19 vanish
        IcebergSink restarted = open("orders", List.of());
        SinkWriter again = restarted.createWriter(0);
        prepare(restarted, again, "orders", 2, 10, 20);

        assertThatThrownBy(() -> restarted.committer().commit(2))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("Cannot commit checkpoint 2 of pipeline orders to table hard.events")
                .hasMessageContaining("holds checkpoint 5")
                .hasMessageContaining("events-0 up to 10");
        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 10));
    }

    // 2. renamed, or moved to another instance

    @Test
    void renamedPipelineKeepsItsDedupMarkerThroughItsFormerId() {
        IcebergSink old = open("orders", List.of());
        SinkWriter writer = old.createWriter(0);
        prepare(old, writer, "orders", 1, 0, 10);
        old.committer().commit(1);

        // renamed without saying so: refused, naming the key that fixes it
        IcebergSink undeclared = open("sales-orders", List.of());
        prepare(undeclared, undeclared.createWriter(0), "sales-orders", 1, 0, 10);
        assertThatThrownBy(() -> undeclared.committer().commit(1))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("pipeline orders already ingests [events]")
                .hasMessageContaining("sink.formerIds: [orders]");
        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 10));

        // renamed with formerIds: the old id's commits are its own
        IcebergSink renamed = open("sales-orders", List.of("orders"));
        assertThat(renamed.committed()).contains(new CommittedPosition(1, offsets(TOPIC, 0, 10)));
        SinkWriter again = renamed.createWriter(0);
        SinkFixture.write(renamed, again, TOPIC, 0, 10, offset -> "FR");
        prepare(renamed, again, "sales-orders", 2, 10, 20);
        renamed.committer().commit(2);

        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 20));
        assertThat(fixture.load(TABLE).currentSnapshot().summary())
                .containsEntry(SnapshotMarkers.PIPELINE, "sales-orders")
                .containsEntry(SnapshotMarkers.CHECKPOINT_ID, "2");
        assertThat(fixture.load(TABLE).refs()).containsKey("floe-sales-orders");
    }

    @Test
    void pipelineMovedToAnotherInstanceKeepsItsDedupMarkerBecauseTheMarkerIsItsDeclaredId() {
        IcebergSink here = open("orders", List.of());
        SinkWriter writer = here.createWriter(0);
        prepare(here, writer, "orders", 1, 0, 10);
        here.committer().commit(1);
        // checkpoint 2 is stored and committed, then this instance dies before it knows
        byte[] stored = prepare(here, writer, "orders", 2, 10, 20);
        here.committer().commit(2);
        String claimHere = fixture.load(TABLE).properties().get("floe.claim.orders");

        // another instance (another host, run id and catalog client) restores checkpoint 2
        IcebergSink there = open("orders", List.of());
        there.committer().restore(checkpoint("orders", 2, offsets(TOPIC, 0, 10), offsets(TOPIC, 0, 20)), stored);
        there.committer().commit(2);

        assertThat(fixture.load(TABLE).properties().get("floe.claim.orders"))
                .as("a new run claimed the table")
                .isNotEqualTo(claimHere);
        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 20));
        assertThat(checkpointIds()).containsExactly("1", "2");
        assertThat(fixture.summaries(TABLE))
                .allSatisfy(summary -> assertThat(summary)
                        .containsEntry(SnapshotMarkers.PIPELINE, "orders")
                        .doesNotContainValue(claimHere));
    }

    // 3. snapshot expiry

    @Test
    void snapshotExpiryByAnotherToolCannotEraseTheMarkerBecauseATagPointsAtTheLastFloeCommit() {
        IcebergSink sink = open("orders", List.of());
        SinkWriter writer = sink.createWriter(0);
        prepare(sink, writer, "orders", 1, 0, 10);
        sink.committer().commit(1);
        byte[] stored = prepare(sink, writer, "orders", 2, 10, 20);
        sink.committer().commit(2);
        long lastFloeCommit = fixture.load(TABLE).currentSnapshot().snapshotId();

        // two commits of another writer, then expiry keeping only the current snapshot: the
        // current snapshot's ancestry no longer reaches any Floe commit
        fixture.withCatalog(catalog -> {
            Table table = catalog.loadTable(TableIdentifier.parse(TABLE));
            table.newAppend().set("written-by", "another tool").commit();
            table.newAppend().set("written-by", "another tool").commit();
            table.expireSnapshots()
                    .expireOlderThan(Long.MAX_VALUE)
                    .retainLast(1)
                    .commit();
            return null;
        });
        Table expired = fixture.load(TABLE);
        assertThat(expired.snapshots())
                .extracting(Snapshot::snapshotId)
                .containsExactlyInAnyOrder(expired.currentSnapshot().snapshotId(), lastFloeCommit);
        assertThat(expired.refs().get("floe-orders").snapshotId()).isEqualTo(lastFloeCommit);

        // a restart from checkpoint 2 (committed already) must not commit it again
        IcebergSink restored = open("orders", List.of());
        restored.committer().restore(checkpoint("orders", 2, offsets(TOPIC, 0, 10), offsets(TOPIC, 0, 20)), stored);
        restored.committer().commit(2);
        assertThat(restored.committed()).contains(new CommittedPosition(2, offsets(TOPIC, 0, 20)));

        // and the next checkpoint goes on from there, moving the tag
        prepare(restored, restored.createWriter(0), "orders", 3, 20, 25);
        restored.committer().commit(3);
        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 25));
        Table table = fixture.load(TABLE);
        assertThat(table.refs().get("floe-orders").snapshotId())
                .isEqualTo(table.currentSnapshot().snapshotId());
    }

    // 4. unknown outcome

    @Test
    void commitStateUnknownAfterTheCatalogAcceptedTheCommitIsResolvedFromTheHistoryWithoutDuplicate() {
        IcebergSink sink = open("orders", List.of());
        SinkWriter writer = sink.createWriter(0);
        byte[] stored = prepare(sink, writer, "orders", 1, 0, 10);
        FaultInjectingJdbcCatalog.arm(TABLE, Fault.UNKNOWN_AFTER_COMMIT, 1);

        sink.committer().commit(1);

        assertThat(sink.committer().pendingCheckpoints())
                .as("the history shows checkpoint 1 landed")
                .isZero();
        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 10));
        Table table = fixture.load(TABLE);
        assertThat(table.refs().get("floe-orders").snapshotId())
                .isEqualTo(table.currentSnapshot().snapshotId());

        // nor does a restart from the stored checkpoint commit it again
        IcebergSink restarted = open("orders", List.of());
        restarted.committer().restore(checkpoint("orders", 1, offsets(TOPIC, 0, 0), offsets(TOPIC, 0, 10)), stored);
        restarted.committer().commit(1);
        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 10));
        assertThat(checkpointIds()).containsExactly("1");
    }

    @Test
    void commitTimingOutAfterTheCatalogAcceptedItIsRetriedByReadingTheHistoryWithoutDuplicate() {
        IcebergSink sink = open("orders", List.of());
        SinkWriter writer = sink.createWriter(0);
        prepare(sink, writer, "orders", 1, 0, 10);
        FaultInjectingJdbcCatalog.arm(TABLE, Fault.TIMEOUT_AFTER_COMMIT, 1);

        assertThatThrownBy(() -> sink.committer().commit(1))
                .isInstanceOf(RetriableException.class)
                .hasMessageContaining("Cannot commit checkpoint 1 to table hard.events")
                .hasMessageContaining("timed out");
        assertThat(sink.committer().pendingCheckpoints()).isEqualTo(1);

        // the retry reads the history first: checkpoint 1 is there, so it commits nothing
        sink.committer().commit(1);
        assertThat(sink.committer().pendingCheckpoints()).isZero();
        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 10));
        assertThat(checkpointIds()).containsExactly("1");
        prepare(sink, writer, "orders", 2, 10, 15);
        sink.committer().commit(2);
        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 15));
    }

    @Test
    void commitStateUnknownBeforeTheCatalogIsRetriedOnceTheHistoryShowsItMissing() {
        IcebergSink sink = open("orders", List.of());
        SinkWriter writer = sink.createWriter(0);
        prepare(sink, writer, "orders", 1, 0, 10);
        FaultInjectingJdbcCatalog.arm(TABLE, Fault.UNKNOWN_BEFORE_COMMIT, 1);

        assertThatThrownBy(() -> sink.committer().commit(1))
                .isInstanceOf(RetriableException.class)
                .satisfies(e -> assertThat(((FloeException) e).code()).isEqualTo(IcebergErrorCode.COMMIT_STATE_UNKNOWN))
                .hasMessageContaining("Cannot tell yet whether checkpoint 1 of pipeline orders reached table");
        assertThat(fixture.ids(TABLE)).isEmpty();

        sink.committer().commit(1);
        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 10));
        assertThat(checkpointIds()).containsExactly("1");
    }

    // 5. dropped and re-created

    @Test
    void tableDroppedAndRecreatedWhileRunningIsDetectedAndNotWrittenWithStaleOffsets() {
        IcebergSink sink = open("orders", List.of());
        SinkWriter writer = sink.createWriter(0);
        prepare(sink, writer, "orders", 1, 0, 10);
        sink.committer().commit(1);
        String oldUuid = fixture.load(TABLE).uuid().toString();
        prepare(sink, writer, "orders", 2, 10, 20);
        String newUuid = recreate();

        assertThatThrownBy(() -> sink.committer().commit(2))
                .isInstanceOf(FatalException.class)
                .satisfies(e -> assertThat(((FloeException) e).code()).isEqualTo(IcebergErrorCode.TABLE_REPLACED))
                .hasMessageContaining("Cannot commit checkpoint 2 of pipeline orders to table hard.events")
                .hasMessageContaining("dropped and re-created (uuid " + oldUuid + " is now " + newUuid + ")");
        assertThat(fixture.ids(TABLE)).isEmpty();
        assertThat(fixture.load(TABLE).currentSnapshot()).isNull();
    }

    @Test
    void tableDroppedAndRecreatedBeforeARestartIsDetectedAndNotWrittenWithStaleOffsets() {
        IcebergSink sink = open("orders", List.of());
        byte[] stored = prepare(sink, sink.createWriter(0), "orders", 1, 0, 10);
        String oldUuid = fixture.load(TABLE).uuid().toString();
        String newUuid = recreate();

        IcebergSink restarted = open("orders", List.of());
        assertThatThrownBy(() -> restarted
                        .committer()
                        .restore(checkpoint("orders", 1, offsets(TOPIC, 0, 0), offsets(TOPIC, 0, 10)), stored))
                .isInstanceOf(FatalException.class)
                .satisfies(e -> assertThat(((FloeException) e).code()).isEqualTo(IcebergErrorCode.TABLE_REPLACED))
                .hasMessageContaining("table hard.events was dropped or re-created since (checkpoint has uuid "
                        + oldUuid + ", the catalog has uuid " + newUuid + ")");
        // without the checkpoint, the new table holds nothing of the pipeline: no stale offsets
        assertThat(restarted.committed()).isEmpty();
        assertThat(fixture.load(TABLE).currentSnapshot()).isNull();
    }

    private String recreate() {
        return fixture.withCatalog(catalog -> {
            catalog.dropTable(TableIdentifier.parse(TABLE), true);
            return catalog.createTable(TableIdentifier.parse(TABLE), SinkFixture.EVENTS)
                    .uuid()
                    .toString();
        });
    }

    // 6. two instances on one table

    @Test
    void secondInstanceOfThePipelineFencesTheFirstSoNoCheckpointIsCommittedTwice() {
        IcebergSink first = open("orders", List.of());
        SinkWriter writer = first.createWriter(0);
        prepare(first, writer, "orders", 1, 0, 10);
        first.committer().commit(1);
        prepare(first, writer, "orders", 2, 10, 20);

        // started by mistake on another machine with the same pipeline: it claims the table
        IcebergSink second = open("orders", List.of());
        SinkWriter secondWriter = second.createWriter(0);
        SinkFixture.write(second, secondWriter, TOPIC, 0, 10, offset -> "FR");
        prepare(second, secondWriter, "orders", 2, 10, 20);

        assertThatThrownBy(() -> first.committer().commit(2))
                .isInstanceOf(FatalException.class)
                .satisfies(e -> assertThat(((FloeException) e).code()).isEqualTo(IcebergErrorCode.FENCED))
                .hasMessageContaining("Cannot commit checkpoint 2 of pipeline orders to table hard.events")
                .hasMessageContaining("another instance of pipeline orders took the table over");
        second.committer().commit(2);

        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 20));
        assertThat(checkpointIds()).containsExactly("1", "2");
    }

    @Test
    void secondPipelineReadingTheSameTopicIntoTheTableIsRefusedWithAClearMessage() {
        IcebergSink first = open("orders", List.of());
        prepare(first, first.createWriter(0), "orders", 1, 0, 10);
        first.committer().commit(1);

        IcebergSink second = open("orders-copy", List.of());
        prepare(second, second.createWriter(0), "orders-copy", 1, 0, 10);

        assertThatThrownBy(() -> second.committer().commit(1))
                .isInstanceOf(FatalException.class)
                .satisfies(e -> assertThat(((FloeException) e).code()).isEqualTo(IcebergErrorCode.FOREIGN_PIPELINE))
                .hasMessage("Cannot commit checkpoint 1 of pipeline orders-copy to table hard.events: pipeline"
                        + " orders already ingests [events] into it (its checkpoint 1), and two pipelines reading"
                        + " the same partitions into one table write every record twice. If orders-copy is orders"
                        + " renamed, declare sink.formerIds: [orders]; otherwise point it at another table");
        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 10));
        assertThat(fixture.summaries(TABLE))
                .extracting(summary -> summary.get(SnapshotMarkers.PIPELINE))
                .containsExactly("orders");
        assertThat(Map.copyOf(fixture.load(TABLE).refs())).doesNotContainKey("floe-orders-copy");
    }
}
