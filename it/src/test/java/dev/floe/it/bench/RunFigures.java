package dev.floe.it.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;

/**
 * The figures of one Floe run. Three windows:
 *
 * <ul>
 *   <li>from the process's start to the last commit (JVM start, catalog, warm-up included);
 *   <li>ingest: from the first record fetched to the last commit;
 *   <li>steady state: while the sources read the records between 20 % and 90 % of the topic,
 *       from Floe's own counters: no start-up, no JIT warm-up, no final commit.
 * </ul>
 */
record RunFigures(
        String distribution,
        long records,
        long rows,
        double seconds,
        double recordsPerSecond,
        double ingestRecordsPerSecond,
        double steadyRecordsPerSecond,
        double cpuSeconds,
        double cpuSecondsPerMillion,
        double ingestCpuSecondsPerMillion,
        double steadyCpuSecondsPerMillion,
        long steadyFromMillis,
        long steadyToMillis,
        long peakHeapBytes,
        long peakRssBytes,
        int commits,
        long files,
        long deleteFiles,
        long fileBytes,
        double commitLatencyP50Millis,
        double commitLatencyP99Millis,
        Map<String, Long> cpuNanosByThreadGroup) {
    private static final double STEADY_FROM = 0.2;
    private static final double STEADY_TO = 0.9;

    /**
     * The figures of {@code run}, which read {@code records} records from the topic: rates are of
     * records read, whatever the table made of them (an append table a row each, an upsert table a
     * row per key and checkpoint, a window table a row per window).
     */
    static RunFigures of(FloeRun.Measured run, long records) {
        long rows = 0;
        long files = 0;
        long deleteFiles = 0;
        long fileBytes = 0;
        for (Snapshot snapshot : run.snapshots()) {
            Map<String, String> summary = snapshot.summary();
            rows += Long.parseLong(summary.getOrDefault("added-records", "0"));
            files += Long.parseLong(summary.getOrDefault("added-data-files", "0"));
            deleteFiles += Long.parseLong(summary.getOrDefault("added-delete-files", "0"));
            // data and delete files alike
            fileBytes += Long.parseLong(summary.getOrDefault("added-files-size", "0"));
        }
        double seconds = run.elapsed().toNanos() / 1e9;
        double cpuSeconds = run.cpu().toNanos() / 1e9;
        List<ProcessMonitor.Sample> samples = run.samples();
        ProcessMonitor.Sample first = firstReaching(samples, 1);
        double ingestRate = Double.NaN;
        double ingestCpu = Double.NaN;
        if (first != null) {
            // the monitor's clock started just after the process: the run's end on that clock
            long end = samples.get(samples.size() - 1).nanos();
            ingestRate = records / ((end - first.nanos()) / 1e9);
            ingestCpu = (samples.get(samples.size() - 1).cpuNanos() - first.cpuNanos()) / 1e9 / (records / 1e6);
        }
        ProcessMonitor.Sample from = firstReaching(samples, (long) (records * STEADY_FROM));
        ProcessMonitor.Sample to = firstReaching(samples, (long) (records * STEADY_TO));
        double steadyRate = Double.NaN;
        double steadyCpu = Double.NaN;
        long steadyFrom = -1;
        long steadyTo = -1;
        if (from != null && to != null && to.nanos() > from.nanos()) {
            steadyFrom = from.nanos() / 1_000_000;
            steadyTo = to.nanos() / 1_000_000;
            long consumed = to.consumed() - from.consumed();
            steadyRate = consumed / ((to.nanos() - from.nanos()) / 1e9);
            steadyCpu = (to.cpuNanos() - from.cpuNanos()) / 1e9 / (consumed / 1e6);
        }
        List<Long> latencies = new ArrayList<>(run.commitLatenciesMillis());
        Collections.sort(latencies);
        return new RunFigures(
                run.distribution(),
                records,
                rows,
                seconds,
                records / seconds,
                ingestRate,
                steadyRate,
                cpuSeconds,
                cpuSeconds / (records / 1e6),
                ingestCpu,
                steadyCpu,
                steadyFrom,
                steadyTo,
                run.peakHeap(),
                run.peakRss(),
                run.snapshots().size(),
                files,
                deleteFiles,
                fileBytes,
                percentile(latencies, 0.5),
                percentile(latencies, 0.99),
                run.cpuByThreadGroup());
    }

    private static ProcessMonitor.Sample firstReaching(List<ProcessMonitor.Sample> samples, long consumed) {
        for (ProcessMonitor.Sample sample : samples) {
            if (sample.consumed() >= consumed) {
                return sample;
            }
        }
        return null;
    }

    private static double percentile(List<Long> sorted, double fraction) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(fraction * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    void print(double bytesPerRecord) {
        System.out.printf(
                "  %s%n    %,d records in %.1f s from process start: %,.0f records/s, %.1f MB/s;"
                        + " ingest (first fetch to last commit) %,.0f records/s; steady state %,.0f records/s%n",
                distribution,
                records,
                seconds,
                recordsPerSecond,
                recordsPerSecond * bytesPerRecord / 1e6,
                ingestRecordsPerSecond,
                steadyRecordsPerSecond);
        System.out.printf(
                "    CPU %.1f s: %.2f CPU-s per million records overall, %.2f while ingesting, %.2f in steady state;"
                        + " peak heap %,d MB, peak RSS %,d MB%n",
                cpuSeconds,
                cpuSecondsPerMillion,
                ingestCpuSecondsPerMillion,
                steadyCpuSecondsPerMillion,
                peakHeapBytes >> 20,
                peakRssBytes >> 20);
        System.out.printf(
                "    steady state from %,d ms to %,d ms after the process started (jfrconv --from/--to)%n",
                steadyFromMillis, steadyToMillis);
        System.out.printf(
                "    %d commits, %d data files and %d delete files (%.1f files a commit), %.1f MB (%.3f MB a file),"
                        + " %,d rows added; commit latency p50 %.0f ms, p99 %.0f ms%n",
                commits,
                files,
                deleteFiles,
                filesPerCommit(),
                fileBytes / 1e6,
                bytesPerFile() / 1e6,
                rows,
                commitLatencyP50Millis,
                commitLatencyP99Millis);
        StringBuilder threads = new StringBuilder("    CPU by thread:");
        cpuNanosByThreadGroup.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(6)
                .forEach(entry -> threads.append(String.format(" %s %.1f s;", entry.getKey(), entry.getValue() / 1e9)));
        System.out.println(threads);
    }

    /** Data and delete files a commit added, on average. */
    double filesPerCommit() {
        return commits == 0 ? 0 : (double) (files + deleteFiles) / commits;
    }

    /** Bytes a file added, data and delete files alike. */
    double bytesPerFile() {
        long all = files + deleteFiles;
        return all == 0 ? 0 : (double) fileBytes / all;
    }

    void write(ObjectNode node) {
        node.put("distribution", distribution);
        node.put("records", records);
        node.put("seconds", seconds);
        node.put("recordsPerSecond", recordsPerSecond);
        node.put("ingestRecordsPerSecond", ingestRecordsPerSecond);
        node.put("steadyRecordsPerSecond", steadyRecordsPerSecond);
        node.put("cpuSeconds", cpuSeconds);
        node.put("cpuSecondsPerMillion", cpuSecondsPerMillion);
        node.put("ingestCpuSecondsPerMillion", ingestCpuSecondsPerMillion);
        node.put("steadyCpuSecondsPerMillion", steadyCpuSecondsPerMillion);
        node.put("steadyFromMillis", steadyFromMillis);
        node.put("steadyToMillis", steadyToMillis);
        node.put("peakHeapBytes", peakHeapBytes);
        node.put("peakRssBytes", peakRssBytes);
        node.put("commits", commits);
        node.put("files", files);
        node.put("deleteFiles", deleteFiles);
        node.put("rows", rows);
        node.put("filesPerCommit", filesPerCommit());
        node.put("bytesPerFile", bytesPerFile());
        node.put("fileBytes", fileBytes);
        node.put("commitLatencyP50Millis", commitLatencyP50Millis);
        node.put("commitLatencyP99Millis", commitLatencyP99Millis);
        ObjectNode threads = node.putObject("cpuSecondsByThreadGroup");
        cpuNanosByThreadGroup.forEach((name, nanos) -> threads.put(name, nanos / 1e9));
    }
}
