package dev.floe.compaction;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.util.ContentFileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts one table: plans the bins, rewrites up to {@code maxConcurrentRewrites} of them at a
 * time, and commits each bin on its own, so a bin that conflicts with ingestion is dropped (and
 * planned again by the next run) without holding back the others.
 *
 * <p>Each commit replaces the bin's files with {@code validateFromSnapshot} set to the planned
 * snapshot, so a delete committed since on one of the bin's files refuses it instead of being
 * lost; and it gives the new files the planned snapshot's data sequence number, so equality
 * deletes committed since still apply to the rows they were written for.
 */
public final class TableCompactor {
    private static final Logger LOG = LoggerFactory.getLogger(TableCompactor.class);

    private final Table table;
    private final CompactionPolicy policy;
    private final Clock clock;
    private final Object commitLock = new Object();

    public TableCompactor(Table table, CompactionPolicy policy, Clock clock) {
        this.table = table;
        this.policy = policy;
        this.clock = clock;
    }

    public RewritePlan plan(Predicate<String> onlyPartitions) {
        table.refresh();
        return new RewritePlanner(policy, clock).plan(table, onlyPartitions);
    }

    /** Rewrites and commits the plan's bins; a bin that fails is reported, never the whole run. */
    public CompactionResult execute(RewritePlan plan) {
        return execute(plan, group -> {});
    }

    /**
     * Like {@link #execute(RewritePlan)}, telling {@code onGroupDone} about each bin as soon as it is
     * committed or given up, from the thread that rewrote it (for progress on a terminal).
     */
    public CompactionResult execute(RewritePlan plan, Consumer<GroupResult> onGroupDone) {
        long started = clock.millis();
        if (plan.isEmpty()) {
            return new CompactionResult(plan, List.of(), 0);
        }
        Snapshot planned = table.snapshot(plan.snapshotId());
        if (planned == null) {
            throw new IllegalStateException("Cannot compact table " + table.name() + ": its planned snapshot "
                    + plan.snapshotId() + " is gone (expired?); plan again");
        }
        long sequenceNumber = planned.sequenceNumber();
        ExecutorService rewriters = Executors.newFixedThreadPool(
                Math.min(policy.maxConcurrentRewrites(), plan.groups().size()), runnable -> {
                    Thread thread = new Thread(runnable, "floe-compaction-" + table.name());
                    thread.setDaemon(true);
                    return thread;
                });
        try {
            List<Future<GroupResult>> futures = new ArrayList<>();
            int taskId = 0;
            for (PlannedGroup group : plan.groups()) {
                int id = taskId++;
                futures.add(rewriters.submit(() -> {
                    GroupResult result;
                    try {
                        result = rewriteAndCommit(group, id, plan.snapshotId(), sequenceNumber);
                    } catch (RuntimeException e) {
                        onGroupDone.accept(failed(group, e.toString()));
                        throw e;
                    }
                    onGroupDone.accept(result);
                    return result;
                }));
            }
            List<GroupResult> results = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                PlannedGroup group = plan.groups().get(i);
                try {
                    results.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    LOG.warn(
                            "Cannot compact partition '{}' of table {}: {}",
                            group.partition(),
                            table.name(),
                            cause.toString(),
                            cause);
                    results.add(failed(group, cause.toString()));
                }
            }
            CompactionResult result = new CompactionResult(plan, results, clock.millis() - started);
            LOG.info(
                    "Compacted table {}: {} of {} groups committed, {} files ({} bytes) into {} files in {} ms",
                    table.name(),
                    result.committedGroups(),
                    results.size(),
                    result.rewrittenFiles(),
                    result.rewrittenBytes(),
                    result.addedFiles(),
                    result.durationMillis());
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Cannot compact table " + table.name() + ": interrupted", e);
        } finally {
            rewriters.shutdownNow();
        }
    }

    private GroupResult rewriteAndCommit(PlannedGroup group, int taskId, long startingSnapshot, long sequenceNumber) {
        List<DataFile> written = new GroupRewriter(table, policy.targetFileSize()).rewrite(group, taskId);
        Set<DataFile> rewritten = group.group().rewrittenFiles();
        Set<DeleteFile> obsoleteDeletes = obsoleteDeletes(group);
        try {
            Snapshot committed;
            synchronized (commitLock) {
                committed = FloeSummaryCommit.commit(table, target -> {
                    RewriteFiles rewrite = target.newRewrite()
                            .validateFromSnapshot(startingSnapshot)
                            .dataSequenceNumber(sequenceNumber);
                    rewritten.forEach(rewrite::deleteFile);
                    obsoleteDeletes.forEach(rewrite::deleteFile);
                    written.forEach(rewrite::addFile);
                    return rewrite;
                });
            }
            long outputBytes =
                    written.stream().mapToLong(DataFile::fileSizeInBytes).sum();
            return new GroupResult(
                    group.partition(),
                    group.inputFiles(),
                    group.inputBytes(),
                    written.size(),
                    outputBytes,
                    committed.snapshotId(),
                    null);
        } catch (ValidationException e) {
            // a delete or rewrite of these files since the plan: this bin waits for the next run
            LOG.info(
                    "Dropped the compaction of partition '{}' of table {}: {}",
                    group.partition(),
                    table.name(),
                    e.getMessage());
            written.forEach(file -> table.io().deleteFile(file.location()));
            return failed(group, "conflict: " + e.getMessage());
        } catch (CommitStateUnknownException e) {
            // the new files may be in the table: leave them
            LOG.warn(
                    "Compaction commit of partition '{}' of table {} has an unknown outcome: {}",
                    group.partition(),
                    table.name(),
                    e.getMessage());
            return failed(group, "outcome unknown: " + e.getMessage());
        } catch (RuntimeException e) {
            written.forEach(file -> table.io().deleteFile(file.location()));
            throw e;
        }
    }

    /**
     * Deletion vectors and file-scoped position deletes of the bin's files: once those files are
     * replaced, nothing refers to them.
     */
    private static Set<DeleteFile> obsoleteDeletes(PlannedGroup group) {
        Set<String> rewritten = new LinkedHashSet<>();
        for (FileScanTask task : group.group().fileScanTasks()) {
            rewritten.add(task.file().location());
        }
        Set<DeleteFile> obsolete = new LinkedHashSet<>();
        Set<String> seen = new LinkedHashSet<>();
        for (FileScanTask task : group.group().fileScanTasks()) {
            for (DeleteFile delete : task.deletes()) {
                String referenced = ContentFileUtil.referencedDataFileLocation(delete);
                if (delete.content() == FileContent.POSITION_DELETES
                        && referenced != null
                        && rewritten.contains(referenced)
                        && seen.add(delete.location())) {
                    obsolete.add(delete);
                }
            }
        }
        return obsolete;
    }

    private static GroupResult failed(PlannedGroup group, String reason) {
        return new GroupResult(group.partition(), group.inputFiles(), group.inputBytes(), 0, 0, -1, reason);
    }
}
