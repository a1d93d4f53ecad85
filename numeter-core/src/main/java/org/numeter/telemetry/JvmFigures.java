package org.numeter.telemetry;

import java.io.File;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The JVM's standard meters for {@link PlainBackend}, read from the platform's MXBeans at each scrape, with the
 * names, help and labels of Micrometer's binders (JvmMemoryMetrics, JvmGcMetrics, JvmThreadMetrics,
 * ClassLoaderMetrics, ProcessorMetrics, UptimeMetrics, FileDescriptorMetrics). Micrometer reads the collector's
 * notifications, each collection's cause and sizes before and after, through JMX; here the collectors' counts are
 * read instead (no JMX notifications, MBean server or open types in a poller), which changes three things:
 * {@code jvm_gc_pause_seconds} is a count and a sum by collector and action, without the {@code cause} label and the
 * {@code _max}; {@code jvm_gc_memory_allocated_bytes_total} is the bytes the threads allocated (the JVM's own count,
 * not the young generation's growth between collections); {@code jvm_gc_memory_promoted_bytes_total} is not
 * written.
 */
final class JvmFigures {
    private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
    private final List<BufferPoolMXBean> buffers = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
    // the previous scrape's CPU times, for the usage since then
    private long lastWallNanos = System.nanoTime();
    private long lastProcessNanos = processCpuNanos();
    private long[] lastSystem = systemTicks();
    private final RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();

    void write(PlainBackend.Out out) {
        memory(out);
        gc(out);
        threads(out);
        out.gauge("jvm_classes_loaded_classes",
                "The number of classes that are currently loaded in the Java virtual machine",
                classes.getLoadedClassCount());
        out.counter("jvm_classes_loaded_count_classes_total", "The number of classes loaded in the Java virtual machine",
                classes.getTotalLoadedClassCount());
        out.counter("jvm_classes_unloaded_classes_total", "The number of classes unloaded in the Java virtual machine",
                classes.getUnloadedClassCount());
        processor(out);
        out.gauge("process_uptime_seconds", "The uptime of the Java virtual machine", runtime.getUptime() / 1000.0);
        out.gauge("process_start_time_seconds", "Start time of the process since unix epoch.",
                runtime.getStartTime() / 1000.0);
        String[] fds = new File("/proc/self/fd").list();
        if (fds != null) {
            // less the descriptor that listing them opened, as the JDK's own count does
            out.gauge("process_files_open_files", "The open file descriptor count", fds.length - 1);
        }
        double maxFiles = maxOpenFiles();
        if (!Double.isNaN(maxFiles)) {
            out.gauge("process_files_max_files", "The maximum file descriptor count", maxFiles);
        }
    }

    private void memory(PlainBackend.Out out) {
        for (BufferPoolMXBean b : buffers) {
            out.gauge("jvm_buffer_count_buffers", "An estimate of the number of buffers in the pool", b.getCount(),
                    "id", b.getName());
            out.gauge("jvm_buffer_memory_used_bytes",
                    "An estimate of the memory that the Java virtual machine is using for this buffer pool",
                    b.getMemoryUsed(), "id", b.getName());
            out.gauge("jvm_buffer_total_capacity_bytes", "An estimate of the total capacity of the buffers in this pool",
                    b.getTotalCapacity(), "id", b.getName());
        }
        for (MemoryPoolMXBean p : pools) {
            MemoryUsage u = p.getUsage();
            String area = p.getType() == MemoryType.HEAP ? "heap" : "nonheap";
            out.gauge("jvm_memory_used_bytes", "The amount of used memory", u == null ? Double.NaN : u.getUsed(),
                    "area", area, "id", p.getName());
            out.gauge("jvm_memory_committed_bytes",
                    "The amount of memory in bytes that is committed for the Java virtual machine to use",
                    u == null ? Double.NaN : u.getCommitted(), "area", area, "id", p.getName());
            out.gauge("jvm_memory_max_bytes",
                    "The maximum amount of memory in bytes that can be used for memory management",
                    u == null ? Double.NaN : u.getMax(), "area", area, "id", p.getName());
        }
    }

    private void gc(PlainBackend.Out out) {
        for (MemoryPoolMXBean p : pools) {
            if (p.getType() == MemoryType.HEAP && longLived(p.getName())) {
                MemoryUsage after = p.getCollectionUsage();
                out.gauge("jvm_gc_live_data_size_bytes", "Size of long-lived heap memory pool after reclamation",
                        after == null ? 0 : after.getUsed());
                MemoryUsage now = p.getUsage();
                out.gauge("jvm_gc_max_data_size_bytes", "Max size of long-lived heap memory pool",
                        now == null ? Double.NaN : now.getMax());
                break;
            }
        }
        if (threads instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemoryEnabled()) {
            out.counter("jvm_gc_memory_allocated_bytes_total", "Bytes allocated in the heap by all threads",
                    t.getTotalThreadAllocatedBytes());
        }
        for (GarbageCollectorMXBean c : collectors) {
            long count = c.getCollectionCount();
            if (count > 0) {
                boolean major = false;
                for (String pool : c.getMemoryPoolNames()) {
                    major |= longLived(pool);
                }
                out.summary("jvm_gc_pause_seconds", "Time spent in GC pause", count, c.getCollectionTime() / 1000.0,
                        "action", major ? "end of major GC" : "end of minor GC", "gc", c.getName());
            }
        }
    }

    /** The old generation's pool, as Micrometer's JvmMemory names it. */
    private static boolean longLived(String pool) {
        return pool.endsWith("Old Gen") || pool.endsWith("Tenured Gen") || "Shenandoah".equals(pool)
                || "ZHeap".equals(pool) || pool.endsWith("balanced-old") || pool.contains("tenured")
                || "JavaHeap".equals(pool) || "ZGC Old Generation".equals(pool);
    }

    private void threads(PlainBackend.Out out) {
        out.gauge("jvm_threads_peak_threads",
                "The peak live thread count since the Java virtual machine started or peak was reset",
                threads.getPeakThreadCount());
        out.gauge("jvm_threads_daemon_threads", "The current number of live daemon threads",
                threads.getDaemonThreadCount());
        out.gauge("jvm_threads_live_threads",
                "The current number of live threads including both daemon and non-daemon threads",
                threads.getThreadCount());
        out.counter("jvm_threads_started_threads_total", "The total number of application threads started in the JVM",
                threads.getTotalStartedThreadCount());
        int[] byState = new int[Thread.State.values().length];
        for (ThreadInfo i : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (i != null) {
                byState[i.getThreadState().ordinal()]++;
            }
        }
        for (Thread.State s : Thread.State.values()) {
            out.gauge("jvm_threads_states_threads", "The current number of threads", byState[s.ordinal()],
                    "state", s.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        }
    }

    private synchronized void processor(PlainBackend.Out out) {
        int cpus = Runtime.getRuntime().availableProcessors();
        out.gauge("system_cpu_count", "The number of processors available to the Java virtual machine", cpus);
        double load = loadAverage();
        if (load >= 0) {
            out.gauge("system_load_average_1m", "The sum of the number of runnable entities queued to available"
                    + " processors and the number of runnable entities running on the available processors averaged"
                    + " over a period of time", load);
        }
        long wall = System.nanoTime();
        long process = processCpuNanos();
        long[] system = systemTicks();
        if (system != null && lastSystem != null) {
            long total = system[0] - lastSystem[0];
            long idle = system[1] - lastSystem[1];
            out.gauge("system_cpu_usage", "The \"recent cpu usage\" of the system the application is running in",
                    total > 0 ? Math.max(0, Math.min(1, (total - idle) / (double) total)) : 0);
        }
        if (process >= 0) {
            long elapsed = wall - lastWallNanos;
            out.gauge("process_cpu_usage", "The \"recent cpu usage\" for the Java Virtual Machine process",
                    elapsed > 0 && lastProcessNanos >= 0
                            ? Math.max(0, Math.min(1, (process - lastProcessNanos) / (double) elapsed / cpus)) : 0);
            out.counter("process_cpu_time_ns_total", "The \"cpu time\" used by the Java Virtual Machine process",
                    process);
        }
        lastWallNanos = wall;
        lastProcessNanos = process;
        lastSystem = system;
    }

    /** CPU time of this process so far, or -1 where the platform does not tell. */
    private static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /** The system's CPU ticks so far, all and idle (idle and waiting for I/O), from /proc/stat; null elsewhere. */
    private static long[] systemTicks() {
        String first = firstLine(Path.of("/proc/stat"));
        if (first == null || !first.startsWith("cpu ")) {
            return null;
        }
        String[] f = first.trim().split("\\s+");
        long total = 0;
        // user nice system idle iowait irq softirq steal (guest time is already in user)
        for (int i = 1; i < Math.min(f.length, 9); i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
        return new long[] {total, idle};
    }

    private static double loadAverage() {
        String line = firstLine(Path.of("/proc/loadavg"));
        return line == null ? -1 : Double.parseDouble(line.substring(0, line.indexOf(' ')));
    }

    /** The soft limit of open files, from /proc/self/limits; NaN where it cannot be read. */
    private static double maxOpenFiles() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Double.POSITIVE_INFINITY : Double.parseDouble(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no /proc: the figure is left out
        }
        return Double.NaN;
    }

    private static String firstLine(Path file) {
        try (var in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            return in.readLine();
        } catch (IOException e) {
            return null;
        }
    }
}
