package dev.floe.iceberg;

import static dev.floe.iceberg.SinkFixture.checkpoint;
import static dev.floe.iceberg.SinkFixture.offsets;
import static dev.floe.iceberg.SinkFixture.range;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.engine.spi.sink.CommittedPosition;
import dev.floe.engine.spi.sink.SinkWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay writer ({@code floe replay}) commits into the live pipeline's table under an id of its
 * own: neither refuses the other as a foreign pipeline, neither fences the other, and the live
 * pipeline's markers stay its own.
 */
class ReplayWriterTest {
    private static final String TOPIC = "events";
    private static final String TABLE = "replay.events";

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

    private IcebergSink open(String writer) {
        return fixture.open(writer, SinkFixture.tables(TABLE, 64, List.of()));
    }

    private static void prepare(IcebergSink sink, SinkWriter writer, String pipeline, long id, long from, long to) {
        SinkFixture.write(sink, writer, TOPIC, from, to, offset -> "FR");
        sink.committer()
                .prepare(
                        checkpoint(pipeline, id, offsets(TOPIC, 0, from), offsets(TOPIC, 0, to)),
                        List.of(writer.prepareCommit(id)));
    }

    @Test
    void replayCommitsBetweenTheLivePipelinesCommitsWithoutMovingItsMarkers() {
        IcebergSink live = open("orders");
        SinkWriter liveWriter = live.createWriter(0);
        prepare(live, liveWriter, "orders", 1, 100, 110);
        live.committer().commit(1);

        String writer = SnapshotMarkers.replayWriter("orders", "a1-1");
        IcebergSink replay = open(writer);
        assertThat(replay.committed()).isEmpty();
        prepare(replay, replay.createWriter(0), writer, 1, 0, 100);
        replay.committer().commit(1);

        // the live pipeline goes on: not fenced, not refused, its own position intact
        prepare(live, liveWriter, "orders", 2, 110, 120);
        live.committer().commit(2);

        List<Long> ids = new ArrayList<>(fixture.ids(TABLE));
        ids.sort(null);
        assertThat(ids).isEqualTo(range(0, 120));
        assertThat(SnapshotMarkers.latest(fixture.load(TABLE), "orders"))
                .contains(new CommittedPosition(2, offsets(TOPIC, 0, 120)));
        assertThat(fixture.summaries(TABLE))
                .extracting(summary -> summary.get(SnapshotMarkers.PIPELINE))
                .containsExactly("orders", writer, "orders");
        assertThat(fixture.summaries(TABLE).get(1).get(SnapshotMarkers.RANGES))
                .isEqualTo("{\"" + TOPIC + "\":{\"0\":[0,100,100,0,99]}}");
    }

    @Test
    void aReplayWritersCommitsAreTheLineageOfItsPipelineOnly() {
        String writer = SnapshotMarkers.replayWriter("orders", "a1-2");

        assertThat(writer).isEqualTo("orders.replay-a1-2");
        assertThat(SnapshotMarkers.pipelineOf(writer)).isEqualTo("orders");
        assertThat(SnapshotMarkers.isLineageOf(writer, List.of("orders"))).isTrue();
        assertThat(SnapshotMarkers.isLineageOf(writer, List.of("orders-copy"))).isFalse();
        assertThat(SnapshotMarkers.isLineageOf("orders", List.of("orders"))).isTrue();
        assertThat(SnapshotMarkers.isLineageOf(null, List.of("orders"))).isFalse();
    }
}
