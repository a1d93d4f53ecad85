package org.numeter.poller.system;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.munin.Problems;

/**
 * {@code /proc/stat}: the plugins {@code cpu}, {@code forks}, {@code interrupts} and {@code processes}, as munin
 * draws them. CPU times are in USER_HZ (100 per second on Linux), so their rate is already a percent of one core.
 */
final class StatReader implements Reader {
    // munin's cpu order: the system's own work at the bottom, idle above the busy parts.
    private static final String[] CPU_FIELDS = {"system", "user", "nice", "idle", "iowait", "irq", "softirq", "steal"};
    // Column of each field in the "cpu" line (user nice system idle iowait irq softirq steal).
    private static final int[] CPU_COLUMNS = {3, 1, 2, 4, 5, 6, 7, 8};
    private static final Map<String, String> CPU_LABELS = Map.of(
            "system", "system", "user", "user", "nice", "nice", "idle", "idle", "iowait", "iowait",
            "irq", "irq", "softirq", "softirq", "steal", "steal");
    private static final Map<String, String> CPU_INFO = Map.of(
            "system", "CPU time spent by the kernel in system activities",
            "user", "CPU time spent by normal programs and daemons",
            "nice", "CPU time spent by nice(1)d programs",
            "idle", "Idle CPU time",
            "iowait", "CPU time spent waiting for I/O operations to finish when there is nothing else to do.",
            "irq", "CPU time spent handling interrupts",
            "softirq", "CPU time spent handling \"batched\" interrupts",
            "steal", "The time that a virtual CPU had runnable tasks, but the virtual CPU itself was not running");
    private static final Map<String, String> CPU_COLOURS = Map.of(
            "system", "00CC00", "user", "0066B3", "nice", "FF8000", "idle", "FFCC00", "iowait", "330099",
            "irq", "990099", "softirq", "CCFF00", "steal", "FF0000");

    private static final Plugin FORKS = Plugin.builder("forks")
            .title("Fork rate").category("processes").vlabel("forks / ${graph_period}").args("--base 1000 -l 0")
            .info("This graph shows the number of forks (new processes started) per second.")
            .field(Field.builder("forks").label("forks").type(FieldType.DERIVE).min(0.0).max(100000.0)
                    .info("The number of forks per second.").build())
            .build();
    private static final Plugin INTERRUPTS = Plugin.builder("interrupts")
            .title("Interrupts and context switches").category("system")
            .vlabel("interrupts & ctx switches / ${graph_period}").args("--base 1000 -l 0")
            .info("This graph shows the number of interrupts and context switches on the system.")
            .field(Field.builder("intr").label("interrupts").type(FieldType.DERIVE).min(0.0)
                    .info("Interrupts are events that alter sequence of instructions executed by a processor.")
                    .build())
            .field(Field.builder("ctx").label("context switches").type(FieldType.DERIVE).min(0.0)
                    .info("A context switch occurs when a multitasking operating system suspends the currently"
                            + " running process, and starts executing another.").build())
            .build();
    private static final Plugin PROCESSES = Plugin.builder("processes")
            .title("Processes").category("processes").vlabel("number of processes").args("--base 1000 -l 0")
            .info("This graph shows the number of processes and threads, and how many run or wait for I/O.")
            .field(Field.builder("processes").label("total").draw("LINE1").colour("000000")
                    .info("Processes and threads that exist.").build())
            .field(Field.builder("running").label("runnable").draw("LINE1").colour("22FF22")
                    .info("Threads running or ready to run.").build())
            .field(Field.builder("blocked").label("uninterruptible").draw("LINE1").colour("FF0000")
                    .info("Threads blocked waiting for I/O.").build())
            .build();

    private final ProcFiles proc;

    StatReader(ProcFiles proc) {
        this.proc = proc;
    }

    @Override
    public String plugins() {
        return "cpu, forks, interrupts, processes";
    }

    @Override
    public List<SampleBatch> read(String host, long timestamp, Problems problems) throws IOException {
        List<String> lines = proc.lines("stat");
        String cpuLine = Proc.line("stat", lines, "cpu");
        String[] cpu = Proc.words(cpuLine);
        int cores = 0;
        for (String l : lines) {
            if (l.startsWith("cpu") && l.length() > 3 && Character.isDigit(l.charAt(3))) {
                cores++;
            }
        }
        Map<String, Double> cpuValues = new LinkedHashMap<>();
        for (int i = 0; i < CPU_FIELDS.length; i++) {
            // Kernels before 2.6.11 have no steal column: munin leaves such fields out, and so do we.
            if (CPU_COLUMNS[i] < cpu.length) {
                cpuValues.put(CPU_FIELDS[i], (double) Proc.number("stat", cpuLine, cpu[CPU_COLUMNS[i]]));
            }
        }
        Plugin cpuMeta = cpuPlugin(Math.max(cores, 1), cpuValues.keySet().stream().toList());

        String intrLine = Proc.line("stat", lines, "intr");
        String ctxtLine = Proc.line("stat", lines, "ctxt");
        String forksLine = Proc.line("stat", lines, "processes");
        String runningLine = Proc.line("stat", lines, "procs_running");
        String blockedLine = Proc.line("stat", lines, "procs_blocked");
        List<String> loadavg = proc.lines("loadavg");
        if (loadavg.isEmpty()) {
            throw new IOException("loadavg: empty");
        }
        String[] load = Proc.words(loadavg.get(0));
        int slash = load.length > 3 ? load[3].indexOf('/') : -1;
        if (slash < 0) {
            throw new IOException("loadavg: no running/total in line '" + loadavg.get(0) + "'");
        }
        long total = Proc.number("loadavg", loadavg.get(0), load[3].substring(slash + 1));

        Map<String, Double> interrupts = new LinkedHashMap<>();
        interrupts.put("intr", (double) Proc.number("stat", intrLine, Proc.words(intrLine)[1]));
        interrupts.put("ctx", (double) Proc.number("stat", ctxtLine, Proc.words(ctxtLine)[1]));
        Map<String, Double> processes = new LinkedHashMap<>();
        processes.put("processes", (double) total);
        processes.put("running", (double) Proc.number("stat", runningLine, Proc.words(runningLine)[1]));
        processes.put("blocked", (double) Proc.number("stat", blockedLine, Proc.words(blockedLine)[1]));
        return List.of(
                new SampleBatch(host, "cpu", timestamp, cpuValues, cpuMeta),
                new SampleBatch(host, "forks", timestamp,
                        Map.of("forks", (double) Proc.number("stat", forksLine, Proc.words(forksLine)[1])), FORKS),
                new SampleBatch(host, "interrupts", timestamp, interrupts, INTERRUPTS),
                new SampleBatch(host, "processes", timestamp, processes, PROCESSES));
    }

    private static Plugin cpuPlugin(int cores, List<String> fields) {
        int max = cores * 100;
        Plugin.Builder b = Plugin.builder("cpu")
                .title("CPU usage").category("system").vlabel("%").scale(false)
                .args("--base 1000 -r --lower-limit 0 --upper-limit " + max)
                .order(fields)
                .info("This graph shows how CPU time is spent.");
        boolean first = true;
        for (String f : fields) {
            b.field(Field.builder(f).label(CPU_LABELS.get(f)).type(FieldType.DERIVE).min(0.0).max((double) max)
                    .draw(first ? "AREA" : "STACK").colour(CPU_COLOURS.get(f)).info(CPU_INFO.get(f)).build());
            first = false;
        }
        return b.build();
    }
}
