package dev.floe.deploy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.engine.spi.sink.SourcePartition;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** Which snapshots of a history count as Floe commits, on a table in Iceberg's in-memory catalog. */
class CommitHistoryTest {
    private static final SourcePartition P0 = new SourcePartition("orders", 0);

    private static DataFile file(String name) {
        return DataFiles.builder(PartitionSpec.unpartitioned())
                .withPath("memory://warehouse/db/t/data/" + name + ".parquet")
                .withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(100)
                .withRecordCount(10)
                .build();
    }

    @Test
    void skipsCompactionThatCopiesTheSummaryForwardAndOtherWriters() {
        InMemoryCatalog catalog = new InMemoryCatalog();
        catalog.initialize("memory", Map.of());
        catalog.createNamespace(Namespace.of("db"));
        Table table = catalog.createTable(
                TableIdentifier.of("db", "t"), new Schema(Types.NestedField.required(1, "id", Types.LongType.get())));
        table.newAppend()
                .appendFile(file("a"))
                .set("floe.pipeline", "p")
                .set("floe.checkpoint-id", "1")
                .set("floe.offsets", "{\"orders\":{\"0\":10}}")
                .set("floe.ranges", "{\"orders\":{\"0\":[0,10,10,0,9]}}")
                .commit();
        long first = table.currentSnapshot().snapshotId();
        // another writer: no floe.* summary
        table.newAppend().appendFile(file("foreign")).commit();
        // compaction: rewrites files and copies the newest floe.* summary forward
        table.newRewrite()
                .rewriteFiles(Set.of(file("a")), Set.of(file("a-compacted")))
                .set("floe.pipeline", "p")
                .set("floe.checkpoint-id", "1")
                .set("floe.offsets", "{\"orders\":{\"0\":10}}")
                .set("floe.ranges", "{\"orders\":{\"0\":[0,10,10,0,9]}}")
                .commit();
        table.newAppend()
                .appendFile(file("b"))
                .set("floe.pipeline", "p")
                .set("floe.checkpoint-id", "2")
                .set("floe.offsets", "{\"orders\":{\"0\":20}}")
                .set("floe.ranges", "{\"orders\":{\"0\":[10,20,10,10,19]}}")
                .commit();
        table.newAppend()
                .appendFile(file("c"))
                .set("floe.pipeline", "other")
                .set("floe.checkpoint-id", "7")
                .set("floe.ranges", "not json")
                .commit();

        CommitHistory history = CommitHistory.read("db.t", table, List.of("p"));

        assertThat(history.snapshots()).isEqualTo(5);
        assertThat(history.commits()).extracting(FloeCommit::checkpointId).containsExactly(1L, 2L);
        assertThat(history.commits().get(0).snapshotId()).isEqualTo(first);
        assertThat(history.unreadable()).isEmpty();
        assertThat(LineageCheck.check("db.t", history.commits()).findings()).isEmpty();
        assertThat(LineageCheck.check("db.t", history.commits()).coverage().get(P0))
                .isEqualTo(new LineageCheck.PartitionCoverage(0, 20, 20, 0, 2));

        CommitHistory everyPipeline = CommitHistory.read("db.t", table, List.of());
        assertThat(everyPipeline.unreadable()).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo(Finding.Kind.UNREADABLE_SUMMARY);
            assertThat(finding.snapshotId()).isEqualTo(table.currentSnapshot().snapshotId());
            assertThat(finding.message()).startsWith("Cannot read the floe.* summary of snapshot ");
        });
    }
}
