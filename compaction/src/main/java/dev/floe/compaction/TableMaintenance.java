package dev.floe.compaction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.PartitionStatisticsFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StatisticsFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a table's history and metadata small: expires old snapshots (never those a tag holds, so
 * the {@code floe-<pipeline>} markers survive), removes files nothing refers to once they are old
 * enough not to be a commit in flight, and rewrites the manifests when there are many small ones.
 */
public final class TableMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);

    private final Table table;
    private final CompactionPolicy policy;
    private final Clock clock;

    public TableMaintenance(Table table, CompactionPolicy policy, Clock clock) {
        this.table = table;
        this.policy = policy;
        this.clock = clock;
    }

    public MaintenanceResult run() {
        int expired = expireSnapshots();
        int manifests = rewriteManifests();
        int orphans = removeOrphans();
        return new MaintenanceResult(expired, orphans, manifests);
    }

    /** Expires snapshots older than the retention, keeping the newest and every tagged one. */
    public int expireSnapshots() {
        if (policy.snapshotRetention() == null) {
            return 0;
        }
        table.refresh();
        int before = size(table.snapshots());
        // refs (branches, tags without a maximum age) keep their snapshots: Floe's tags have none
        table.expireSnapshots()
                .expireOlderThan(clock.millis() - policy.snapshotRetention().toMillis())
                .retainLast(policy.minSnapshots())
                .commit();
        table.refresh();
        int expired = before - size(table.snapshots());
        if (expired > 0) {
            LOG.info("Expired {} snapshots of table {}", expired, table.name());
        }
        return expired;
    }

    /** Rewrites the current snapshot's data manifests when it has more small ones than the policy allows. */
    public int rewriteManifests() {
        table.refresh();
        Snapshot current = table.currentSnapshot();
        if (current == null) {
            return 0;
        }
        List<ManifestFile> small = current.dataManifests(table.io()).stream()
                .filter(manifest -> manifest.length() < policy.smallManifestSize())
                .collect(Collectors.toList());
        if (small.size() <= policy.maxManifests()) {
            return 0;
        }
        long limit = policy.smallManifestSize();
        FloeSummaryCommit.commit(
                table,
                target -> target.rewriteManifests()
                        .rewriteIf(manifest -> manifest.length() < limit)
                        .clusterBy(file -> file.specId()));
        LOG.info("Rewrote {} small manifests of table {}", small.size(), table.name());
        return small.size();
    }

    /**
     * Removes files under the table's data and metadata folders that no snapshot, metadata file or
     * statistics file refers to and that are older than the orphan age.
     */
    public int removeOrphans() {
        if (policy.orphanAge() == null) {
            return 0;
        }
        if (!(table.io() instanceof SupportsPrefixOperations)) {
            LOG.warn(
                    "Cannot remove orphan files of table {}: its FileIO {} cannot list files",
                    table.name(),
                    table.io().getClass().getName());
            return 0;
        }
        table.refresh();
        Set<String> reachable = reachable();
        long olderThan = clock.millis() - policy.orphanAge().toMillis();
        String root = table.location().endsWith("/") ? table.location() : table.location() + "/";
        int removed = 0;
        for (FileInfo file : ((SupportsPrefixOperations) table.io()).listPrefix(root)) {
            String key = normalize(file.location());
            boolean inTableFolders =
                    key.startsWith(normalize(root + "data/")) || key.startsWith(normalize(root + "metadata/"));
            if (inTableFolders && file.createdAtMillis() < olderThan && !reachable.contains(key)) {
                table.io().deleteFile(file.location());
                removed++;
            }
        }
        if (removed > 0) {
            LOG.info("Removed {} orphan files of table {}", removed, table.name());
        }
        return removed;
    }

    private Set<String> reachable() {
        Set<String> files = new HashSet<>();
        Map<Integer, PartitionSpec> specs = table.specs();
        Set<String> manifestsSeen = new HashSet<>();
        for (Snapshot snapshot : table.snapshots()) {
            if (snapshot.manifestListLocation() != null) {
                files.add(normalize(snapshot.manifestListLocation()));
            }
            for (ManifestFile manifest : snapshot.allManifests(table.io())) {
                if (!manifestsSeen.add(manifest.path())) {
                    continue;
                }
                files.add(normalize(manifest.path()));
                addContents(files, manifest, specs);
            }
        }
        TableMetadata metadata = ((HasTableOperations) table).operations().current();
        if (metadata.metadataFileLocation() != null) {
            files.add(normalize(metadata.metadataFileLocation()));
        }
        metadata.previousFiles().forEach(entry -> files.add(normalize(entry.file())));
        for (StatisticsFile statistics : metadata.statisticsFiles()) {
            files.add(normalize(statistics.path()));
        }
        for (PartitionStatisticsFile statistics : metadata.partitionStatisticsFiles()) {
            files.add(normalize(statistics.path()));
        }
        return files;
    }

    private void addContents(Set<String> files, ManifestFile manifest, Map<Integer, PartitionSpec> specs) {
        try {
            if (manifest.content() == ManifestContent.DATA) {
                try (CloseableIterable<String> paths = ManifestFiles.readPaths(manifest, table.io(), specs)) {
                    paths.forEach(path -> files.add(normalize(path)));
                }
            } else {
                try (ManifestReader<DeleteFile> deletes =
                        ManifestFiles.readDeleteManifest(manifest, table.io(), specs)) {
                    deletes.forEach(delete -> files.add(normalize(delete.location())));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot read manifest " + manifest.path() + " of table " + table.name() + ": " + e, e);
        }
    }

    /** A location without its scheme and leading slashes: file:/a, file:///a and s3a://b/a name one file each. */
    static String normalize(String location) {
        int colon = location.indexOf(':');
        String rest = colon > 0 && colon < 10 ? location.substring(colon + 1) : location;
        int start = 0;
        while (start < rest.length() && rest.charAt(start) == '/') {
            start++;
        }
        return rest.substring(start);
    }

    private static int size(Iterable<Snapshot> snapshots) {
        int count = 0;
        for (Snapshot ignored : snapshots) {
            count++;
        }
        return count;
    }
}
