package dev.floe.it.bench;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Watches another JVM through the JDK's attach API, every 250 ms: its heap in use, its CPU time, and
 * the records its sources read (Floe's own {@code floe_records_in_total} counters, from its
 * Prometheus endpoint), so that rates and CPU per record can be taken over any window of the run,
 * for example the steady state after the warm-up. Peak RSS comes from /proc.
 *
 * <p>Not the Kafka consumers' {@code records-consumed-total} in JMX, as before: sampled from Floe it
 * moved in steps seconds apart (just before each checkpoint, none for the first seconds of
 * ingestion), so the windows snapped to those steps and the first records were seen late.
 */
final class ProcessMonitor implements AutoCloseable {
    private static final String RECORDS_IN = "floe_records_in_total{";

    private final long pid;
    private final JMXConnector connector;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final URI metrics;
    private long lastConsumed;
    private final MBeanServerConnection server;
    private final MemoryMXBean memory;
    private final ThreadMXBean threads;
    private final com.sun.management.OperatingSystemMXBean system;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    private final long startNanos = System.nanoTime();
    private final List<Sample> samples = new ArrayList<>();
    private volatile long peakHeap;
    private volatile long sampledPeakRss = -1;

    /** One observation: nanoseconds since the monitor attached, process CPU nanoseconds, records fetched. */
    record Sample(long nanos, long cpuNanos, long consumed) {}

    private ProcessMonitor(long pid, JMXConnector connector, URI metrics) throws IOException {
        this.pid = pid;
        this.metrics = metrics;
        this.connector = connector;
        this.server = connector.getMBeanServerConnection();
        this.memory = ManagementFactory.newPlatformMXBeanProxy(
                server, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
        this.threads = ManagementFactory.newPlatformMXBeanProxy(
                server, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
        this.system = ManagementFactory.newPlatformMXBeanProxy(
                server, ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME, com.sun.management.OperatingSystemMXBean.class);
        // every sample costs the watched process a few JMX calls: often enough for windows of seconds
        sampler.scheduleAtFixedRate(this::sample, 0, 250, TimeUnit.MILLISECONDS);
    }

    /** @param metrics the process's Prometheus endpoint, where its sources count the records they read */
    static ProcessMonitor attach(long pid, URI metrics) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            String address = vm.startLocalManagementAgent();
            return new ProcessMonitor(pid, JMXConnectorFactory.connect(new JMXServiceURL(address)), metrics);
        } finally {
            vm.detach();
        }
    }

    private void sample() {
        try {
            long used = memory.getHeapMemoryUsage().getUsed();
            if (used > peakHeap) {
                peakHeap = used;
            }
            long cpu = system.getProcessCpuTime();
            sampledPeakRss = Math.max(sampledPeakRss, peakRssBytes());
            long consumed = consumed();
            synchronized (samples) {
                samples.add(new Sample(System.nanoTime() - startNanos, cpu, consumed));
            }
        } catch (RuntimeException e) {
            // the process is starting or ending: no sample this time
        }
    }

    /** The records the sources read so far; the last count while the endpoint does not answer (starting). */
    private long consumed() {
        try {
            HttpResponse<java.util.stream.Stream<String>> response = http.send(
                    HttpRequest.newBuilder(metrics)
                            .timeout(Duration.ofSeconds(1))
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) {
                return lastConsumed;
            }
            double total = response.body()
                    .filter(line -> line.startsWith(RECORDS_IN))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .sum();
            lastConsumed = Math.max(lastConsumed, (long) total);
        } catch (IOException e) {
            // not serving yet, or ending
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return lastConsumed;
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** CPU time of the whole process at the last sample: for a process that has exited, at most 250 ms short. */
    long lastSampledCpuNanos() {
        synchronized (samples) {
            return samples.isEmpty() ? 0 : samples.get(samples.size() - 1).cpuNanos();
        }
    }

    /** The largest peak resident set size sampled: what is known of a process that has exited. */
    long sampledPeakRssBytes() {
        return sampledPeakRss;
    }

    long peakHeapBytes() {
        return peakHeap;
    }

    /** CPU time of the whole process, all threads. */
    long cpuNanos() {
        return system.getProcessCpuTime();
    }

    /**
     * CPU time of the process's live Java threads, grouped by name with trailing numbers folded
     * (the subtasks {@code floe-bench-0} and {@code floe-bench-1} are one group); what the process
     * spent beyond them (GC, JIT compiler, exited threads) is under {@code "(other: GC, JIT, ended
     * threads)"}.
     */
    Map<String, Long> cpuByThreadGroup() {
        Map<String, Long> groups = new TreeMap<>();
        long[] ids = threads.getAllThreadIds();
        long javaThreads = 0;
        for (ThreadInfo info : threads.getThreadInfo(ids)) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu <= 0) {
                continue;
            }
            javaThreads += cpu;
            groups.merge(info.getThreadName().replaceAll("[-#]?\\d+$", "-N").replaceAll("\\d+", "N"), cpu, Long::sum);
        }
        groups.put("(other: GC, JIT, ended threads)", cpuNanos() - javaThreads);
        return groups;
    }

    /** Peak resident set size (VmHWM), or -1 where /proc does not say. */
    long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        try {
            connector.close();
        } catch (IOException e) {
            // the process already ended, and its side of the connection with it
        }
    }
}
