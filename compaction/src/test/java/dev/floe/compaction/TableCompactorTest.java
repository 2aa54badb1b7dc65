package dev.floe.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bin-pack and sorted rewrites of real Iceberg tables (JDBC catalog on SQLite, local warehouse). */
class TableCompactorTest {
    @TempDir
    Path directory;

    private TestTables tables;
    private final CompactionPolicy policy =
            CompactionPolicy.defaults().withTargetFileSize(64L * 1024 * 1024).withMinInputFiles(2);

    @BeforeEach
    void catalog() {
        tables = new TestTables(directory);
    }

    /** Appends {@code files} files of {@code rowsPerFile} rows to each region, one commit each. */
    private static long fill(Table table, List<String> regions, int files, int rowsPerFile) {
        long id = 0;
        long checkpoint = 0;
        for (int file = 0; file < files; file++) {
            for (String region : regions) {
                List<Record> rows = new ArrayList<>();
                for (int row = 0; row < rowsPerFile; row++) {
                    rows.add(TestTables.row(id, region, id * 10));
                    id++;
                }
                TestTables.append(table, rows, "orders", ++checkpoint);
            }
        }
        return checkpoint;
    }

    private TableCompactor compactor(Table table) {
        return new TableCompactor(table, policy, Clock.systemUTC());
    }

    @Test
    void binPacksEachPartitionsSmallFilesIntoOneFileAndCarriesFloesSummaryForward() {
        Table table = tables.create("orders", TestTables.byRegion(), SortOrder.unsorted(), 2);
        long lastCheckpoint = fill(table, List.of("eu", "us"), 6, 50);
        Map<Long, Long> before = TestTables.contents(table);
        Map<String, String> floeBefore = FloeSummary.newest(table, table.currentSnapshot());

        CompactionResult result = compactor(table).execute(compactor(table).plan(partition -> true));

        assertThat(result.groups()).hasSize(2).allSatisfy(group -> {
            assertThat(group.committed()).isTrue();
            assertThat(group.inputFiles()).isEqualTo(6);
            assertThat(group.outputFiles()).isEqualTo(1);
        });
        assertThat(TestTables.contents(table)).isEqualTo(before);
        assertThat(TestTables.dataFiles(table)).hasSize(2);
        Snapshot current = table.currentSnapshot();
        assertThat(current.operation()).isEqualTo("replace");
        assertThat(floeBefore).containsEntry("floe.checkpoint-id", Long.toString(lastCheckpoint));
        assertThat(current.summary()).containsAllEntriesOf(floeBefore);
    }

    @Test
    void appliesPositionAndEqualityDeletesWhileRewriting() {
        Table table = tables.create("deletes", TestTables.byRegion(), SortOrder.unsorted(), 2);
        fill(table, List.of("eu"), 5, 20);
        DataFile first = TestTables.dataFiles(table).stream()
                .filter(file -> file.location().contains("region=eu"))
                .min((a, b) -> Long.compare(a.dataSequenceNumber(), b.dataSequenceNumber()))
                .orElseThrow();
        table.newRowDelta()
                .addDeletes(TestTables.positionDeletes(table, first, List.of(0L, 1L)))
                .addDeletes(TestTables.equalityDeletes(table, first.partition(), List.of(50L, 51L)))
                .commit();
        Map<Long, Long> before = TestTables.contents(table);
        assertThat(before).hasSize(96);

        CompactionResult result = compactor(table).execute(compactor(table).plan(partition -> true));

        assertThat(result.committedGroups()).isEqualTo(1);
        assertThat(TestTables.contents(table)).isEqualTo(before);
        // the rewritten file holds only the live rows: no delete applies to it any more
        List<DataFile> files = TestTables.dataFiles(table);
        assertThat(files).hasSize(1);
        assertThat(files.get(0).recordCount()).isEqualTo(96);
    }

    @Test
    void equalityDeleteCommittedAfterThePlanStillAppliesToTheRewrittenRows() {
        Table table = tables.create("late_equality", TestTables.byRegion(), SortOrder.unsorted(), 2);
        fill(table, List.of("eu"), 4, 10);
        TableCompactor compactor = compactor(table);
        RewritePlan plan = compactor.plan(partition -> true);
        DataFile any = TestTables.dataFiles(table).get(0);
        // an upsert's delete lands while the compactor rewrites
        table.newRowDelta()
                .addDeletes(TestTables.equalityDeletes(table, any.partition(), List.of(3L, 17L)))
                .commit();

        CompactionResult result = compactor.execute(plan);

        assertThat(result.committedGroups()).isEqualTo(1);
        Map<Long, Long> rows = TestTables.contents(table);
        assertThat(rows).hasSize(38).doesNotContainKeys(3L, 17L);
    }

    @Test
    void positionDeleteCommittedAfterThePlanDropsOnlyThatPartitionsGroup() {
        Table table = tables.create("late_position", TestTables.byRegion(), SortOrder.unsorted(), 2);
        fill(table, List.of("eu", "us"), 4, 10);
        TableCompactor compactor = compactor(table);
        RewritePlan plan = compactor.plan(partition -> true);
        DataFile eu = TestTables.dataFiles(table).stream()
                .filter(file -> file.location().contains("region=eu"))
                .findFirst()
                .orElseThrow();
        table.newRowDelta()
                .addDeletes(TestTables.positionDeletes(table, eu, List.of(0L)))
                .commit();
        Map<Long, Long> before = TestTables.contents(table);

        CompactionResult result = compactor.execute(plan);

        assertThat(result.groups()).hasSize(2);
        GroupResult euResult = result.groups().stream()
                .filter(group -> group.partition().equals("region=eu"))
                .findFirst()
                .orElseThrow();
        GroupResult usResult = result.groups().stream()
                .filter(group -> group.partition().equals("region=us"))
                .findFirst()
                .orElseThrow();
        assertThat(euResult.committed()).isFalse();
        assertThat(euResult.failure()).startsWith("conflict:");
        assertThat(usResult.committed()).isTrue();
        assertThat(TestTables.contents(table)).isEqualTo(before);
        assertThat(TestTables.dataFiles(table)).hasSize(5);
    }

    @Test
    void tellsTheListenerAboutEachBinWhetherCommittedOrDropped() {
        Table table = tables.create("listened", TestTables.byRegion(), SortOrder.unsorted(), 2);
        fill(table, List.of("eu", "us", "ap"), 3, 10);
        TableCompactor compactor = compactor(table);
        RewritePlan plan = compactor.plan(partition -> true);
        DataFile eu = TestTables.dataFiles(table).stream()
                .filter(file -> file.location().contains("region=eu"))
                .findFirst()
                .orElseThrow();
        table.newRowDelta()
                .addDeletes(TestTables.positionDeletes(table, eu, List.of(0L)))
                .commit();
        List<GroupResult> told = Collections.synchronizedList(new ArrayList<>());

        CompactionResult result = compactor.execute(plan, told::add);

        assertThat(told).containsExactlyInAnyOrderElementsOf(result.groups());
        assertThat(told.stream().mapToLong(GroupResult::inputBytes).sum()).isEqualTo(plan.inputBytes());
        assertThat(told)
                .filteredOn(group -> !group.committed())
                .extracting(GroupResult::partition)
                .containsExactly("region=eu");
    }

    @Test
    void copiesTheNewestSummaryWhenIngestionCommitsBetweenPlanAndCommit() {
        Table table = tables.create("racing", TestTables.byRegion(), SortOrder.unsorted(), 2);
        fill(table, List.of("eu"), 4, 10);
        TableCompactor compactor = compactor(table);
        RewritePlan plan = compactor.plan(partition -> true);
        TestTables.append(table, List.of(TestTables.row(1000, "us", 1)), "orders", 99);

        CompactionResult result = compactor.execute(plan);

        assertThat(result.committedGroups()).isEqualTo(1);
        Snapshot current = table.currentSnapshot();
        assertThat(current.operation()).isEqualTo("replace");
        assertThat(current.summary())
                .containsEntry("floe.pipeline", "orders")
                .containsEntry("floe.checkpoint-id", "99");
        assertThat(TestTables.contents(table)).hasSize(41);
    }

    @Test
    void sortedTableIsRewrittenInItsSortOrder() {
        SortOrder byAmount =
                SortOrder.builderFor(TestTables.SCHEMA).asc("amount").build();
        Table table = tables.create("sorted", PartitionSpec.unpartitioned(), byAmount, 2);
        long id = 0;
        for (int file = 0; file < 5; file++) {
            List<Record> rows = new ArrayList<>();
            for (int row = 0; row < 30; row++) {
                // amounts interleave across files
                rows.add(TestTables.row(id, "eu", (row * 7919L + file * 31L) % 1000));
                id++;
            }
            TestTables.append(table, rows, "orders", file + 1);
        }

        CompactionResult result = compactor(table).execute(compactor(table).plan(partition -> true));

        assertThat(result.committedGroups()).isEqualTo(1);
        assertThat(TestTables.dataFiles(table)).hasSize(1);
        List<Long> amounts = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            records.forEach(record -> amounts.add((Long) record.getField("amount")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(amounts).hasSize(150).isSorted();
    }

    @Test
    void tableWithFewerSmallFilesThanTheMinimumIsLeftAlone() {
        Table table = tables.create("few", TestTables.byRegion(), SortOrder.unsorted(), 2);
        fill(table, List.of("eu"), 1, 10);
        long snapshot = table.currentSnapshot().snapshotId();

        RewritePlan plan = compactor(table).plan(partition -> true);
        CompactionResult result = compactor(table).execute(plan);

        assertThat(plan.isEmpty()).isTrue();
        assertThat(result.groups()).isEmpty();
        assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshot);
    }
}
