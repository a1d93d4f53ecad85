package org.numeter.poller.system;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.munin.Problems;

/** {@code /proc/uptime}: munin's {@code uptime}, in days. */
final class UptimeReader implements Reader {
    static final Plugin META = Plugin.builder("uptime")
            .title("Uptime").category("system").vlabel("uptime in days").args("--base 1000 -l 0").scale(false)
            .info("This graph shows how long the machine has been running since it last started.")
            .field(Field.builder("uptime").label("uptime").draw("AREA").build())
            .build();

    private final ProcFiles proc;

    UptimeReader(ProcFiles proc) {
        this.proc = proc;
    }

    @Override
    public String plugins() {
        return "uptime";
    }

    @Override
    public List<SampleBatch> read(String host, long timestamp, Problems problems) throws IOException {
        List<String> lines = proc.lines("uptime");
        if (lines.isEmpty()) {
            throw new IOException("uptime: empty");
        }
        double seconds = Proc.decimal("uptime", lines.get(0), Proc.words(lines.get(0))[0]);
        return List.of(new SampleBatch(host, "uptime", timestamp, Map.of("uptime", seconds / 86400.0), META));
    }
}
