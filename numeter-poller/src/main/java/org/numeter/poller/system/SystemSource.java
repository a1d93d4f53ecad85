package org.numeter.poller.system;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.numeter.model.SampleBatch;
import org.numeter.poller.Cycle;
import org.numeter.poller.Source;

/**
 * This host's own metrics from /proc, described as munin's stock plugins describe them: {@code cpu},
 * {@code load}, {@code memory}, {@code swap}, {@code df}, {@code diskstats_*}, {@code if_*}, {@code if_err_*},
 * {@code if_packets_*}, {@code processes}, {@code forks}, {@code interrupts}, {@code uptime},
 * {@code open_files}. A file that cannot be read skips its plugins for this cycle, reported, and nothing else.
 */
public final class SystemSource implements Source {
    private final List<Reader> readers;

    /** Reads the real /proc. */
    public SystemSource() {
        this(ProcFiles.under(Path.of("/proc")), DiskSpace.fileStores());
    }

    SystemSource(ProcFiles proc, DiskSpace space) {
        this.readers = List.of(
                new StatReader(proc),
                new LoadReader(proc),
                new MemoryReader(proc),
                new SwapReader(proc),
                new DfReader(proc, space),
                new DiskstatsReader(proc),
                new NetworkReader(proc),
                new UptimeReader(proc),
                new OpenFilesReader(proc));
    }

    @Override
    public String name() {
        return "system";
    }

    @Override
    public List<SampleBatch> collect(Cycle cycle) {
        List<SampleBatch> out = new ArrayList<>();
        for (Reader r : readers) {
            try {
                // /proc and statfs answer in microseconds: a reader's values are read at the moment it starts, and
                // its counters sent at that whole second.
                long readMillis = cycle.clock().millis();
                out.addAll(cycle.aligned(r.read(cycle.host(), Math.floorDiv(readMillis, 1000), cycle.problems()),
                        readMillis));
            } catch (Exception e) {
                cycle.problems().report(r.plugins(), "skipped this cycle: " + e.getMessage());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "SystemSource";
    }
}
