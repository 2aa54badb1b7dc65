package dev.floe.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The planner's policy on top of Iceberg's bin packing: what is left alone, what goes first. */
class RewritePlannerTest {
    @TempDir
    Path directory;

    private TestTables tables;
    private Table table;
    private final CompactionPolicy policy =
            CompactionPolicy.defaults().withTargetFileSize(64L * 1024 * 1024).withMinInputFiles(2);

    @BeforeEach
    void table() {
        tables = new TestTables(directory);
        table = tables.create("orders", TestTables.byRegion(), SortOrder.unsorted(), 2);
        long id = 0;
        for (int file = 0; file < 3; file++) {
            for (String region : List.of("eu", "us", "ap")) {
                List<Record> rows = new ArrayList<>();
                for (int row = 0; row < 10; row++) {
                    rows.add(TestTables.row(id++, region, row));
                }
                TestTables.append(table, rows, "orders", id);
            }
        }
    }

    private static CompactionPolicy skipping(CompactionPolicy base, List<String> partitions, Duration within) {
        return new CompactionPolicy(
                base.targetFileSize(),
                base.smallFileSize(),
                base.minInputFiles(),
                base.deleteFileThreshold(),
                base.triggerSmallFiles(),
                base.triggerDeleteFileRatio(),
                base.triggerSmallBytes(),
                base.triggerInterval(),
                base.maxConcurrentRewrites(),
                base.maxBytesPerRun(),
                partitions,
                within,
                base.snapshotRetention(),
                base.minSnapshots(),
                base.orphanAge(),
                base.maxManifests(),
                base.smallManifestSize());
    }

    private static List<String> partitions(RewritePlan plan) {
        return plan.groups().stream().map(PlannedGroup::partition).toList();
    }

    @Test
    void plansOneGroupPerPartitionWithItsSmallFiles() {
        RewritePlan plan = new RewritePlanner(policy, Clock.systemUTC()).plan(table, partition -> true);

        assertThat(partitions(plan)).containsExactlyInAnyOrder("region=eu", "region=us", "region=ap");
        assertThat(plan.groups())
                .allSatisfy(group -> assertThat(group.inputFiles()).isEqualTo(3));
        assertThat(plan.inputFiles()).isEqualTo(9);
        assertThat(plan.snapshotId()).isEqualTo(table.currentSnapshot().snapshotId());
    }

    @Test
    void leavesConfiguredAndUnselectedPartitionsAlone() {
        CompactionPolicy skipEu = skipping(policy, List.of("region=eu"), Duration.ZERO);

        RewritePlan plan =
                new RewritePlanner(skipEu, Clock.systemUTC()).plan(table, partition -> !partition.equals("region=ap"));

        assertThat(partitions(plan)).containsExactly("region=us");
        assertThat(plan.skippedPartitions()).containsExactly("region=ap", "region=eu");
    }

    @Test
    void leavesPartitionsWrittenWithinTheWindowAlone() {
        Instant lastCommit = Instant.ofEpochMilli(table.currentSnapshot().timestampMillis());
        CompactionPolicy skipActive = skipping(policy, List.of(), Duration.ofMinutes(10));

        RewritePlan soon = new RewritePlanner(skipActive, Clock.fixed(lastCommit.plusSeconds(60), ZoneOffset.UTC))
                .plan(table, partition -> true);
        RewritePlan later = new RewritePlanner(skipActive, Clock.fixed(lastCommit.plusSeconds(3600), ZoneOffset.UTC))
                .plan(table, partition -> true);

        assertThat(soon.groups()).isEmpty();
        assertThat(soon.skippedPartitions()).hasSize(3);
        assertThat(later.groups()).hasSize(3);
    }

    @Test
    void plansGroupsWithTheMostDeletesFirst() {
        DataFile us = TestTables.dataFiles(table).stream()
                .filter(file -> file.location().contains("region=us"))
                .findFirst()
                .orElseThrow();
        table.newRowDelta()
                .addDeletes(TestTables.positionDeletes(table, us, List.of(0L)))
                .addDeletes(TestTables.equalityDeletes(table, us.partition(), List.of(1L)))
                .commit();

        RewritePlan plan = new RewritePlanner(policy, Clock.systemUTC()).plan(table, partition -> true);

        assertThat(partitions(plan).get(0)).isEqualTo("region=us");
        assertThat(plan.groups().get(0).deleteFiles()).isGreaterThan(0);
    }

    @Test
    void defersGroupsBeyondTheRunsByteBudget() {
        RewritePlan all = new RewritePlanner(policy, Clock.systemUTC()).plan(table, partition -> true);
        long oneGroup =
                all.groups().stream().mapToLong(PlannedGroup::inputBytes).max().orElseThrow();

        RewritePlan budgeted = new RewritePlanner(policy.withMaxBytesPerRun(oneGroup), Clock.systemUTC())
                .plan(table, partition -> true);

        assertThat(budgeted.groups()).hasSize(1);
        assertThat(budgeted.deferred()).isEqualTo(2);
    }

    @Test
    void emptyTableHasAnEmptyPlan() {
        Table empty = tables.create("empty", TestTables.byRegion(), SortOrder.unsorted(), 2);

        RewritePlan plan = new RewritePlanner(policy, Clock.systemUTC()).plan(empty, partition -> true);

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.snapshotId()).isEqualTo(-1);
    }
}
