package dev.floe.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot expiry, orphan removal and manifest rewrites on a real table. */
class TableMaintenanceTest {
    @TempDir
    Path directory;

    private TestTables tables;

    @BeforeEach
    void catalog() {
        tables = new TestTables(directory);
    }

    private static void appendCommits(Table table, String pipeline, int commits, long firstCheckpoint) {
        for (int commit = 0; commit < commits; commit++) {
            List<Record> rows = new ArrayList<>();
            rows.add(TestTables.row(firstCheckpoint * 1000 + commit, "eu", commit));
            TestTables.append(table, rows, pipeline, firstCheckpoint + commit);
        }
    }

    private static Clock later(Duration by) {
        return Clock.fixed(Instant.now().plus(by), ZoneOffset.UTC);
    }

    @Test
    void expiryKeepsTheNewestSnapshotsAndEveryFloeTag() {
        Table table = tables.create("expiry", PartitionSpec.unpartitioned(), SortOrder.unsorted(), 2);
        appendCommits(table, "orders", 3, 1);
        long tagged = table.currentSnapshot().snapshotId();
        table.manageSnapshots().createTag("floe-orders", tagged).commit();
        // another writer's commits bury the tagged one in the history
        appendCommits(table, "backfill", 5, 100);
        CompactionPolicy policy = CompactionPolicy.defaults().withExpiry(Duration.ofMinutes(1), 2, null);

        int expired = new TableMaintenance(table, policy, later(Duration.ofHours(1))).expireSnapshots();

        table.refresh();
        List<Long> left = new ArrayList<>();
        table.snapshots().forEach(snapshot -> left.add(snapshot.snapshotId()));
        assertThat(expired).isEqualTo(5);
        assertThat(left).hasSize(3).contains(tagged);
        assertThat(table.refs().get("floe-orders").snapshotId()).isEqualTo(tagged);
        assertThat(table.snapshot(tagged).summary()).containsEntry("floe.checkpoint-id", "3");
        assertThat(TestTables.contents(table)).hasSize(8);
    }

    @Test
    void removesOnlyOldFilesThatNothingRefersTo() throws IOException {
        Table table = tables.create("orphans", PartitionSpec.unpartitioned(), SortOrder.unsorted(), 2);
        appendCommits(table, "orders", 3, 1);
        Path data = Path.of(java.net.URI.create(table.location() + "/data"));
        Path oldOrphan = Files.writeString(data.resolve("crashed-writer-old.parquet"), "left by a crash");
        Files.setLastModifiedTime(oldOrphan, FileTime.from(Instant.now().minus(Duration.ofDays(10))));
        Path youngOrphan = Files.writeString(data.resolve("in-flight.parquet"), "a commit in flight");
        CompactionPolicy policy = CompactionPolicy.defaults().withExpiry(null, 1, Duration.ofDays(3));
        Map<Long, Long> before = TestTables.contents(table);

        int removed = new TableMaintenance(table, policy, Clock.systemUTC()).removeOrphans();

        assertThat(removed).isEqualTo(1);
        assertThat(oldOrphan).doesNotExist();
        assertThat(youngOrphan).exists();
        assertThat(TestTables.contents(table)).isEqualTo(before);
    }

    @Test
    void rewritesManySmallManifestsAndCarriesFloesSummaryForward() {
        Table table = tables.create("manifests", PartitionSpec.unpartitioned(), SortOrder.unsorted(), 2);
        appendCommits(table, "orders", 12, 1);
        CompactionPolicy base = CompactionPolicy.defaults();
        CompactionPolicy policy = new CompactionPolicy(
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
                base.skipPartitions(),
                base.skipPartitionsWrittenWithin(),
                null,
                1,
                null,
                5,
                base.smallManifestSize());

        int rewritten = new TableMaintenance(table, policy, Clock.systemUTC()).rewriteManifests();

        table.refresh();
        Snapshot current = table.currentSnapshot();
        assertThat(rewritten).isEqualTo(12);
        assertThat(current.dataManifests(table.io())).hasSize(1);
        assertThat(current.summary()).containsEntry("floe.checkpoint-id", "12");
        assertThat(TestTables.contents(table)).hasSize(12);
    }
}
