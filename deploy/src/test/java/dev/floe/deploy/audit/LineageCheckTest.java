package dev.floe.deploy.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.spi.sink.SourcePartition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LineageCheckTest {
    private static final SourcePartition P0 = new SourcePartition("orders", 0);
    private static final SourcePartition P1 = new SourcePartition("orders", 1);

    private static FloeCommit commit(long snapshot, long checkpoint, Map<SourcePartition, Coverage> ranges) {
        return new FloeCommit(snapshot, 1000 * snapshot, "p", checkpoint, ranges);
    }

    private static Coverage rows(long from, long to) {
        return new Coverage(from, to, to - from, from, to - 1);
    }

    @Test
    void contiguousCommitsAreClean() {
        LineageCheck.Result result = LineageCheck.check(
                "db.t",
                List.of(
                        commit(1, 1, Map.of(P0, rows(0, 10), P1, rows(0, 5))),
                        commit(2, 2, Map.of(P0, rows(10, 20), P1, new Coverage(5, 5, 0, -1, -1))),
                        commit(3, 3, Map.of(P0, new Coverage(20, 30, 9, 20, 29), P1, rows(5, 8)))));

        assertThat(result.findings()).isEmpty();
        assertThat(result.coverage().get(P0)).isEqualTo(new LineageCheck.PartitionCoverage(0, 30, 29, 1, 3));
        assertThat(result.coverage().get(P1)).isEqualTo(new LineageCheck.PartitionCoverage(0, 8, 8, 0, 3));
    }

    @Test
    void reportsAGapWithItsPartitionRangeAndSnapshot() {
        LineageCheck.Result result = LineageCheck.check(
                "db.t", List.of(commit(11, 1, Map.of(P0, rows(0, 10))), commit(12, 2, Map.of(P0, rows(15, 20)))));

        assertThat(result.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo(Finding.Kind.GAP);
            assertThat(finding.partition()).isEqualTo(P0);
            assertThat(finding.from()).isEqualTo(10);
            assertThat(finding.to()).isEqualTo(15);
            assertThat(finding.snapshotId()).isEqualTo(12);
            assertThat(finding.message())
                    .isEqualTo("offsets [10, 15) of orders-0 are in no commit: snapshot 11 ends at 10, snapshot 12"
                            + " starts at 15");
        });
    }

    @Test
    void reportsAnOverlapUpToTheEarlierEnd() {
        LineageCheck.Result result = LineageCheck.check(
                "db.t",
                List.of(
                        commit(11, 1, Map.of(P0, rows(0, 10))),
                        commit(12, 2, Map.of(P0, rows(7, 20))),
                        commit(13, 3, Map.of(P0, rows(20, 25)))));

        assertThat(result.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo(Finding.Kind.OVERLAP);
            assertThat(finding.from()).isEqualTo(7);
            assertThat(finding.to()).isEqualTo(10);
            assertThat(finding.snapshotId()).isEqualTo(12);
        });
        assertThat(result.coverage().get(P0).to()).isEqualTo(25);
    }

    @Test
    void aRangeInsideAnEarlierOneOverlapsOnlyItself() {
        LineageCheck.Result result = LineageCheck.check(
                "db.t", List.of(commit(11, 1, Map.of(P0, rows(0, 10))), commit(12, 2, Map.of(P0, rows(2, 4)))));

        assertThat(result.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo(Finding.Kind.OVERLAP);
            assertThat(finding.from()).isEqualTo(2);
            assertThat(finding.to()).isEqualTo(4);
        });
    }

    @Test
    void aReplayThatFillsAGapLaterIsClean() {
        LineageCheck.Result result = LineageCheck.check(
                "db.t",
                List.of(
                        commit(11, 1, Map.of(P0, rows(100, 150))),
                        commit(12, 2, Map.of(P0, rows(150, 200))),
                        new FloeCommit(13, 13_000, "p.replay-a", 1, Map.of(P0, rows(0, 100)))));

        assertThat(result.findings()).isEmpty();
        assertThat(result.coverage().get(P0)).isEqualTo(new LineageCheck.PartitionCoverage(0, 200, 200, 0, 3));
    }

    @Test
    void aReplayOverlappingCommittedOffsetsIsAnOverlap() {
        LineageCheck.Result result = LineageCheck.check(
                "db.t",
                List.of(
                        commit(11, 1, Map.of(P0, rows(100, 200))),
                        new FloeCommit(12, 12_000, "p.replay-a", 1, Map.of(P0, rows(0, 120)))));

        assertThat(result.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo(Finding.Kind.OVERLAP);
            assertThat(finding.from()).isEqualTo(100);
            assertThat(finding.to()).isEqualTo(120);
            assertThat(finding.snapshotId()).isEqualTo(12);
        });
    }

    @Test
    void aGapLeftBetweenAReplayAndTheLiveCommitsIsReported() {
        LineageCheck.Result result = LineageCheck.check(
                "db.t",
                List.of(
                        commit(11, 1, Map.of(P0, rows(100, 200))),
                        new FloeCommit(12, 12_000, "p.replay-a", 1, Map.of(P0, rows(0, 60)))));

        assertThat(result.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo(Finding.Kind.GAP);
            assertThat(finding.from()).isEqualTo(60);
            assertThat(finding.to()).isEqualTo(100);
        });
    }

    @Test
    void reportsACheckpointIdThatDoesNotIncrease() {
        LineageCheck.Result result = LineageCheck.check(
                "db.t", List.of(commit(11, 5, Map.of(P0, rows(0, 10))), commit(12, 5, Map.of(P0, rows(10, 20)))));

        assertThat(result.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo(Finding.Kind.CHECKPOINT_NOT_INCREASING);
            assertThat(finding.snapshotId()).isEqualTo(12);
            assertThat(finding.message()).contains("commits checkpoint 5 after snapshot 11 committed checkpoint 5");
        });
    }

    @Test
    void reportsRangesThatContradictThemselves() {
        LineageCheck.Result result = LineageCheck.check(
                "db.t",
                List.of(commit(11, 1, Map.of(P0, new Coverage(0, 10, 11, 0, 9), P1, new Coverage(0, 10, 2, 3, 12)))));

        assertThat(result.findings())
                .extracting(Finding::kind, Finding::partition)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(Finding.Kind.INVALID_RANGE, P0),
                        org.assertj.core.groups.Tuple.tuple(Finding.Kind.INVALID_RANGE, P1));
    }

    @Test
    void readsTheSummaryFormatTheCommitterWrites() {
        Map<SourcePartition, Coverage> ranges =
                CommitHistory.parseRanges("{\"orders\":{\"0\":[0,10,9,0,9],\"1\":[4,4,0]}}");

        assertThat(ranges)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        P0, new Coverage(0, 10, 9, 0, 9),
                        P1, new Coverage(4, 4, 0, -1, -1)));
        assertThatThrownBy(() -> CommitHistory.parseRanges("{\"orders\":{\"0\":[0,10]}}"))
                .hasMessage("the range of orders-0 is not [from, to, rows, first, last] or [from, to, 0]: [0,10]");
    }
}
