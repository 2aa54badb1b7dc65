package dev.floe.iceberg;

import static dev.floe.iceberg.SinkFixture.checkpoint;
import static dev.floe.iceberg.SinkFixture.offsets;
import static dev.floe.iceberg.SinkFixture.range;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.engine.spi.sink.CommitObserver;
import dev.floe.engine.spi.sink.SinkWriter;
import dev.floe.engine.spi.sink.TableCommit;
import dev.floe.iceberg.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commit policies: a table committed at every checkpoint, or once its waiting data reaches a size
 * or its oldest row an age; the checkpoints in between wait as pending commits, exactly once across
 * crashes; and the table's freshness, the age of its oldest uncommitted row.
 */
class CommitPolicyTest {
    private static final String TOPIC = "events";
    private static final String TABLE = "fresh.events";
    private static final Instant START = Instant.parse("2026-11-22T08:00:00Z");

    @TempDir
    Path directory;

    private SinkFixture fixture;
    private final ManualClock clock = new ManualClock(START);
    private final RecordingObserver observer = new RecordingObserver();

    @BeforeEach
    void fixture() {
        fixture = new SinkFixture(directory);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private IcebergSink open(CommitPolicy policy) {
        TableConfig tables = new TableConfig(
                TABLE,
                List.of(),
                2,
                0,
                64,
                Map.of("commit.retry.num-retries", "0"),
                true,
                List.of(),
                List.of(),
                TableConfig.DEFAULT_SORT_BUFFER_ROWS,
                false,
                List.of(),
                null,
                policy);
        return fixture.open("fresh", tables, clock, observer);
    }

    private static byte[] prepare(IcebergSink sink, SinkWriter writer, long id, long from, long to) {
        return prepare(sink, writer, id, from, to, offset -> "FR");
    }

    private static byte[] prepare(
            IcebergSink sink, SinkWriter writer, long id, long from, long to, Function<Long, String> country) {
        SinkFixture.write(sink, writer, TOPIC, from, to, country);
        return sink.committer()
                .prepare(
                        checkpoint("fresh", id, offsets(TOPIC, 0, from), offsets(TOPIC, 0, to)),
                        List.of(writer.prepareCommit(id)));
    }

    private List<String> checkpointIds() {
        return fixture.summaries(TABLE).stream()
                .map(summary -> summary.get(SnapshotMarkers.CHECKPOINT_ID))
                .toList();
    }

    @Test
    void everyCheckpointPolicyCommitsEachCheckpoint() {
        IcebergSink sink = open(CommitPolicy.EVERY_CHECKPOINT);
        SinkWriter writer = sink.createWriter(0);
        prepare(sink, writer, 1, 0, 10);
        sink.committer().commit(1);
        prepare(sink, writer, 2, 10, 20);
        sink.committer().commit(2);

        assertThat(checkpointIds()).containsExactly("1", "2");
    }

    @Test
    void maxAgePolicyLetsCheckpointsWaitThenCommitsThemInOneSnapshotOnceTheOldestRowIsThatOld() {
        IcebergSink sink = open(CommitPolicy.deferred(0, Duration.ofMinutes(5)));
        SinkWriter writer = sink.createWriter(0);

        prepare(sink, writer, 1, 0, 10);
        sink.committer().commit(1);
        clock.advance(Duration.ofMinutes(2));
        prepare(sink, writer, 2, 10, 20);
        sink.committer().commit(2);
        clock.advance(Duration.ofSeconds(179));
        prepare(sink, writer, 3, 20, 30);
        sink.committer().commit(3);

        assertThat(fixture.load(TABLE).currentSnapshot())
                .as("4m59s: nothing committed yet")
                .isNull();
        assertThat(sink.committer().pendingCheckpoints()).isEqualTo(3);
        assertThat(sink.status()).singleElement().satisfies(status -> {
            assertThat(status.healthy()).isTrue();
            assertThat(status.pendingCheckpoints()).isEqualTo(3);
        });

        clock.advance(Duration.ofSeconds(1));
        prepare(sink, writer, 4, 30, 35);
        sink.committer().commit(4);

        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 35));
        assertThat(checkpointIds()).containsExactly("4");
        assertThat(fixture.summaries(TABLE).get(0))
                .containsEntry(SnapshotMarkers.RANGES, "{\"events\":{\"0\":[0,35,35,0,34]}}");
        assertThat(sink.committer().pendingCheckpoints()).isZero();
        assertThat(observer.commits).extracting(TableCommit::checkpointId).containsExactly(4L);
    }

    @Test
    void minBytesPolicyCommitsAsSoonAsTheWaitingFilesReachTheSize() {
        IcebergSink sink = open(CommitPolicy.deferred(256 * 1024, Duration.ofHours(1)));
        SinkWriter writer = sink.createWriter(0);

        prepare(sink, writer, 1, 0, 10);
        sink.committer().commit(1);
        assertThat(fixture.load(TABLE).currentSnapshot())
                .as("a few hundred bytes wait")
                .isNull();

        // random-looking strings, so that the file does not compress below the size
        prepare(sink, writer, 2, 10, 60_010, offset -> Long.toHexString(offset * 0x9E3779B97F4A7C15L));
        sink.committer().commit(2);

        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 60_010));
        assertThat(checkpointIds()).containsExactly("2");
        assertThat(Long.parseLong(fixture.summaries(TABLE).get(0).get("added-files-size")))
                .as("both checkpoints' files, over the size")
                .isGreaterThan(256 * 1024);
    }

    @Test
    void flushCommitsEveryWaitingCheckpointWhateverThePolicy() {
        IcebergSink sink = open(CommitPolicy.deferred(0, Duration.ofHours(1)));
        SinkWriter writer = sink.createWriter(0);
        prepare(sink, writer, 1, 0, 10);
        sink.committer().commit(1);
        prepare(sink, writer, 2, 10, 20);

        // a stop's final checkpoint
        sink.committer().flush(2);

        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 20));
        assertThat(checkpointIds()).containsExactly("2");
    }

    @Test
    void crashWhileCheckpointsWaitLosesAndRepeatsNothing() {
        IcebergSink sink = open(CommitPolicy.deferred(0, Duration.ofMinutes(5)));
        SinkWriter writer = sink.createWriter(0);
        prepare(sink, writer, 1, 0, 10);
        sink.committer().commit(1);
        clock.advance(Duration.ofMinutes(1));
        byte[] second = prepare(sink, writer, 2, 10, 20);
        sink.committer().commit(2);
        assertThat(fixture.load(TABLE).currentSnapshot()).isNull();

        // killed: checkpoint 2 is stored with both waiting checkpoints; the restart commits them at once
        IcebergSink restarted = open(CommitPolicy.deferred(0, Duration.ofMinutes(5)));
        restarted.committer().restore(checkpoint("fresh", 2, offsets(TOPIC, 0, 10), offsets(TOPIC, 0, 20)), second);
        restarted.committer().commit(2);
        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 20));
        assertThat(checkpointIds()).containsExactly("2");

        // the restarted run lets its own checkpoints wait again, commits them when due, then is
        // killed after that commit: restored from the checkpoint it committed, it adds nothing
        SinkWriter again = restarted.createWriter(0);
        prepare(restarted, again, 3, 20, 30);
        restarted.committer().commit(3);
        clock.advance(Duration.ofMinutes(5));
        byte[] fourth = prepare(restarted, again, 4, 30, 40);
        restarted.committer().commit(4);
        assertThat(checkpointIds()).containsExactly("2", "4");

        IcebergSink again2 = open(CommitPolicy.deferred(0, Duration.ofMinutes(5)));
        again2.committer().restore(checkpoint("fresh", 4, offsets(TOPIC, 0, 30), offsets(TOPIC, 0, 40)), fourth);
        again2.committer().commit(4);
        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 40));
        assertThat(checkpointIds()).containsExactly("2", "4");
        assertThat(again2.committer().pendingCheckpoints()).isZero();
    }

    @Test
    void crashWithoutCheckpointsWhileCheckpointsWaitReadsTheirRecordsAgain() {
        IcebergSink sink = open(CommitPolicy.deferred(0, Duration.ofMinutes(5)));
        SinkWriter writer = sink.createWriter(0);
        prepare(sink, writer, 1, 0, 10);
        sink.committer().commit(1);
        clock.advance(Duration.ofMinutes(5));
        prepare(sink, writer, 2, 10, 20);
        sink.committer().commit(2);
        prepare(sink, writer, 3, 20, 30);
        sink.committer().commit(3);

        // checkpoint storage lost: the table says checkpoint 2 up to offset 20; 20..29 are read again
        IcebergSink restarted = open(CommitPolicy.deferred(0, Duration.ofMinutes(5)));
        assertThat(restarted.committed().orElseThrow().offsets()).isEqualTo(offsets(TOPIC, 0, 20));
        prepare(restarted, restarted.createWriter(0), 3, 20, 30);
        restarted.committer().flush(3);

        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 30));
        assertThat(checkpointIds()).containsExactly("2", "3");
    }

    @Test
    void freshnessIsTheAgeOfTheOldestRowNotYetCommitted() {
        IcebergSink sink = open(CommitPolicy.deferred(0, Duration.ofMinutes(5)));
        SinkWriter writer = sink.createWriter(0);
        Supplier<Optional<Instant>> oldest = observer.freshness.get(TABLE);
        assertThat(oldest).as("told when the table was first touched").isNotNull();
        assertThat(oldest.get()).isEmpty();

        // the first rows reach the writer at START; later rows do not make the table fresher
        SinkFixture.write(sink, writer, TOPIC, 0, 5, offset -> "FR");
        clock.advance(Duration.ofSeconds(30));
        SinkFixture.write(sink, writer, TOPIC, 5, 10, offset -> "FR");
        assertThat(oldest.get()).contains(START);

        // prepared and waiting for the policy: still START
        sink.committer()
                .prepare(
                        checkpoint("fresh", 1, offsets(TOPIC, 0, 0), offsets(TOPIC, 0, 10)),
                        List.of(writer.prepareCommit(1)));
        sink.committer().commit(1);
        clock.advance(Duration.ofMinutes(1));
        SinkFixture.write(sink, writer, TOPIC, 10, 20, offset -> "FR");
        assertThat(oldest.get()).contains(START);

        // at 5m30s checkpoint 2 is due and commits both: nothing waits, until the next row
        clock.advance(Duration.ofMinutes(4));
        sink.committer()
                .prepare(
                        checkpoint("fresh", 2, offsets(TOPIC, 0, 10), offsets(TOPIC, 0, 20)),
                        List.of(writer.prepareCommit(2)));
        sink.committer().commit(2);
        assertThat(fixture.ids(TABLE)).isEqualTo(range(0, 20));
        assertThat(oldest.get()).isEmpty();
        SinkFixture.write(sink, writer, TOPIC, 20, 21, offset -> "FR");
        assertThat(oldest.get()).contains(clock.instant());
    }

    /** Keeps what a sink tells its observer. */
    private static final class RecordingObserver implements CommitObserver {
        final List<TableCommit> commits = new ArrayList<>();
        final Map<String, Supplier<Optional<Instant>>> freshness = new ConcurrentHashMap<>();

        @Override
        public void committed(TableCommit commit) {
            commits.add(commit);
        }

        @Override
        public void failed(String table, long checkpointId, Duration duration, String reason) {}

        @Override
        public void freshness(String table, Supplier<Optional<Instant>> oldestUncommitted) {
            freshness.put(table, oldestUncommitted);
        }
    }
}
