package org.numeter.poller.system;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.munin.Problems;

/** {@code /proc/loadavg}: munin's {@code load}, the five-minute load average. */
final class LoadReader implements Reader {
    static final Plugin META = Plugin.builder("load")
            .title("Load average").category("system").vlabel("load").args("--base 1000 -l 0").scale(false)
            .info("The load average of the machine describes how many processes are in the run-queue"
                    + " (scheduled to run \"immediately\").")
            .field(Field.builder("load").label("load")
                    .info("5 minute load average").build())
            .build();

    private final ProcFiles proc;

    LoadReader(ProcFiles proc) {
        this.proc = proc;
    }

    @Override
    public String plugins() {
        return "load";
    }

    @Override
    public List<SampleBatch> read(String host, long timestamp, Problems problems) throws IOException {
        List<String> lines = proc.lines("loadavg");
        if (lines.isEmpty()) {
            throw new IOException("loadavg: empty");
        }
        String[] w = Proc.words(lines.get(0));
        if (w.length < 2) {
            throw new IOException("loadavg: no five-minute average in line '" + lines.get(0) + "'");
        }
        double load = Proc.decimal("loadavg", lines.get(0), w[1]);
        return List.of(new SampleBatch(host, "load", timestamp, Map.of("load", load), META));
    }
}
