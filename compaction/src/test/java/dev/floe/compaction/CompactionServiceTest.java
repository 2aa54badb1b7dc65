package dev.floe.compaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.engine.spi.service.CompactionInProgressException;
import dev.floe.engine.spi.service.CompactionRequest;
import dev.floe.engine.spi.service.CompactionRun;
import dev.floe.engine.spi.service.FileSizeDistribution;
import dev.floe.engine.spi.service.TableCompactions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compactor's on-request runs, their history and the file-size census, on a real SQLite catalog. */
class CompactionServiceTest {
    private static final String TABLE = "sales.orders";

    @TempDir
    Path directory;

    private Table table;
    private CompactionService service;

    @BeforeEach
    void start() {
        TestTables tables = new TestTables(directory);
        table = tables.create("orders", TestTables.byRegion(), SortOrder.unsorted(), 2);
        long id = 0;
        for (int file = 0; file < 4; file++) {
            for (String region : List.of("eu", "us")) {
                List<Record> rows = new ArrayList<>();
                for (int row = 0; row < 20; row++) {
                    rows.add(TestTables.row(id, region, id));
                    id++;
                }
                TestTables.append(table, rows, "orders", file * 2L + (region.equals("eu") ? 1 : 2));
            }
        }
        CatalogSettings catalog = new CatalogSettings(
                "floe",
                "jdbc",
                "jdbc:sqlite:" + directory.resolve("catalog.db"),
                directory.resolve("warehouse").toUri().toString(),
                Map.of());
        CompactionPolicy policy = CompactionPolicy.defaults()
                .withTargetFileSize(64L * 1024 * 1024)
                .withMinInputFiles(2);
        // checked once an hour: every run in these tests is one they ask for
        CompactionDefinition definition =
                new CompactionDefinition(catalog, true, Duration.ofHours(1), false, Map.of(TABLE, policy));
        service = (CompactionService) definition.start(Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private TableCompactions compactions() {
        return service.tableCompactions().orElseThrow();
    }

    @Test
    void aDryRunPlansTheBinsAndChangesNothing() {
        long snapshot = table.currentSnapshot().snapshotId();

        CompactionRun run = compactions().compactNow(TABLE, new CompactionRequest(true, List.of()));

        assertThat(run.outcome()).isEqualTo(CompactionRun.Outcome.PLANNED);
        assertThat(run.trigger()).isEqualTo("request");
        assertThat(run.snapshotId()).isEqualTo(snapshot);
        assertThat(run.filesBefore()).isEqualTo(8).isEqualTo(run.filesAfter());
        assertThat(run.rewrittenFiles()).isEqualTo(8);
        assertThat(run.addedFiles()).isEqualTo(2);
        assertThat(run.groups())
                .extracting(CompactionRun.Group::partition)
                .containsExactlyInAnyOrder("region=eu", "region=us");
        table.refresh();
        assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshot);
        assertThat(compactions().recentRuns(TABLE)).as("a dry run is no run").isEmpty();
    }

    @Test
    void aRequestedRunCompactsTheTableAndIsKeptInItsHistoryNewestFirst() {
        CompactionRun onlyEu = compactions().compactNow(TABLE, new CompactionRequest(false, List.of("region=eu")));
        assertThat(onlyEu.outcome()).isEqualTo(CompactionRun.Outcome.COMMITTED);
        assertThat(onlyEu.groups()).singleElement().satisfies(group -> {
            assertThat(group.partition()).isEqualTo("region=eu");
            assertThat(group.inputFiles()).isEqualTo(4);
            assertThat(group.outputFiles()).isEqualTo(1);
            assertThat(group.failure()).isEmpty();
        });
        assertThat(onlyEu.filesBefore()).isEqualTo(8);
        assertThat(onlyEu.filesAfter()).isEqualTo(5);

        CompactionRun rest = compactions().compactNow(TABLE, new CompactionRequest(false, List.of()));
        assertThat(rest.filesAfter()).isEqualTo(2);
        assertThat(rest.rewrittenFiles()).isEqualTo(4);
        assertThat(rest.addedBytes()).isPositive();
        CompactionRun nothing = compactions().compactNow(TABLE, new CompactionRequest(false, List.of()));
        assertThat(nothing.outcome()).isEqualTo(CompactionRun.Outcome.NOTHING_TO_DO);

        assertThat(compactions().recentRuns(TABLE)).containsExactly(nothing, rest, onlyEu);
        assertThat(compactions().recentRuns("sales.other")).isEmpty();
    }

    @Test
    void theFileSizeDistributionCountsTheCurrentSnapshotsFilesAndIsKeptUntilTheNextSnapshot() {
        FileSizeDistribution before = compactions().fileSizes(TABLE).orElseThrow();
        assertThat(before.snapshotId()).isEqualTo(table.currentSnapshot().snapshotId());
        assertThat(before.files()).isEqualTo(8);
        assertThat(before.counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(8);
        assertThat(before.counts().get(0))
                .as("files of 20 rows are below 16 KiB")
                .isEqualTo(8);
        assertThat(before.bytes())
                .isEqualTo(TestTables.dataFiles(table).stream()
                        .mapToLong(file -> file.fileSizeInBytes())
                        .sum());
        assertThat(compactions().fileSizes(TABLE).orElseThrow()).isSameAs(before);

        compactions().compactNow(TABLE, new CompactionRequest(false, List.of()));
        FileSizeDistribution after = compactions().fileSizes(TABLE).orElseThrow();
        assertThat(after.snapshotId()).isNotEqualTo(before.snapshotId());
        assertThat(after.files()).isEqualTo(2);
        assertThat(compactions().fileSizes("sales.other")).isEmpty();
    }

    @Test
    void refusesATableItDoesNotKeepAndATableWhoseRunIsInProgress() throws Exception {
        assertThatThrownBy(() -> compactions().compactNow("sales.other", new CompactionRequest(false, List.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot compact table sales.other: the compactor keeps only [sales.orders]");

        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread other = new Thread(() -> {
            service.lock(TABLE).lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                service.lock(TABLE).unlock();
            }
        });
        other.start();
        held.await();
        try {
            assertThatThrownBy(() -> compactions().compactNow(TABLE, new CompactionRequest(true, List.of())))
                    .isInstanceOf(CompactionInProgressException.class)
                    .hasMessage("Cannot compact table sales.orders: a run on it is in progress; ask again when it"
                            + " ends");
        } finally {
            release.countDown();
            other.join();
        }
        assertThat(compactions()
                        .compactNow(TABLE, new CompactionRequest(true, List.of()))
                        .outcome())
                .isEqualTo(CompactionRun.Outcome.PLANNED);
    }

    @Test
    void historyKeepsABoundedNumberOfRunsPerTable() {
        CompactionHistory history = new CompactionHistory();
        for (int i = 0; i < CompactionHistory.RUNS_PER_TABLE + 5; i++) {
            history.add(CompactionRuns.failed(TABLE, "request", i, 0, 0, "run " + i));
        }
        List<CompactionRun> kept = history.recent(TABLE);
        assertThat(kept).hasSize(CompactionHistory.RUNS_PER_TABLE);
        assertThat(kept.get(0).startedAtMillis()).isEqualTo(CompactionHistory.RUNS_PER_TABLE + 4);
        assertThat(kept.get(kept.size() - 1).startedAtMillis()).isEqualTo(5);
    }
}
