package dev.floe.it.bench;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Watches another JVM through the JDK's attach API: its heap in use (peak of samples every 100 ms),
 * its CPU time, and its peak resident set size from /proc.
 */
final class ProcessMonitor implements AutoCloseable {
    private final long pid;
    private final JMXConnector connector;
    private final MemoryMXBean memory;
    private final com.sun.management.OperatingSystemMXBean system;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    private volatile long peakHeap;
    private volatile long lastCpu;
    private volatile long peakRss = -1;

    private ProcessMonitor(long pid, JMXConnector connector) throws IOException {
        this.pid = pid;
        this.connector = connector;
        MBeanServerConnection server = connector.getMBeanServerConnection();
        this.memory = ManagementFactory.newPlatformMXBeanProxy(
                server, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
        this.system = ManagementFactory.newPlatformMXBeanProxy(
                server, ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME, com.sun.management.OperatingSystemMXBean.class);
        sampler.scheduleAtFixedRate(this::sample, 0, 100, TimeUnit.MILLISECONDS);
    }

    static ProcessMonitor attach(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            String address = vm.startLocalManagementAgent();
            return new ProcessMonitor(pid, JMXConnectorFactory.connect(new JMXServiceURL(address)));
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
            lastCpu = system.getProcessCpuTime();
            peakRss = Math.max(peakRss, readPeakRss());
        } catch (RuntimeException e) {
            // the process is ending
        }
    }

    long peakHeapBytes() {
        return peakHeap;
    }

    /** CPU time of the whole process, all threads. */
    long cpuNanos() {
        return system.getProcessCpuTime();
    }

    /**
     * CPU time of the whole process at the last sample: for a process that has exited since, at most
     * 100 ms before its end.
     */
    long lastSampledCpuNanos() {
        return lastCpu;
    }

    /** The largest peak resident set size sampled, for a process that has exited since. */
    long sampledPeakRssBytes() {
        return peakRss;
    }

    /** Peak resident set size (VmHWM), or -1 where /proc does not say. */
    long peakRssBytes() {
        return readPeakRss();
    }

    private long readPeakRss() {
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
    public void close() throws IOException {
        sampler.shutdownNow();
        try {
            connector.close();
        } catch (IOException e) {
            // a process that has exited cannot answer the close: nothing is left open on its side
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                throw e;
            }
        }
    }
}
