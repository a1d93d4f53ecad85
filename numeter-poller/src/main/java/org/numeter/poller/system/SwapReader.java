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

/** {@code /proc/vmstat}: munin's {@code swap}, pages swapped in (drawn below) and out (above). */
final class SwapReader implements Reader {
    static final Plugin META = Plugin.builder("swap")
            .title("Swap in/out").category("system").vlabel("pages per ${graph_period} in (-) / out (+)")
            .args("-l 0 --base 1000")
            .info("This graph shows the pages read from and written to swap.")
            .field(Field.builder("swap_in").label("swap").type(FieldType.DERIVE).min(0.0).max(100000.0)
                    .graph(false).build())
            .field(Field.builder("swap_out").label("swap").type(FieldType.DERIVE).min(0.0).max(100000.0)
                    .negative("swap_in").build())
            .build();

    private final ProcFiles proc;

    SwapReader(ProcFiles proc) {
        this.proc = proc;
    }

    @Override
    public String plugins() {
        return "swap";
    }

    @Override
    public List<SampleBatch> read(String host, long timestamp, Problems problems) throws IOException {
        Map<String, Long> vm = new LinkedHashMap<>();
        for (String l : proc.lines("vmstat")) {
            String[] w = Proc.words(l);
            if (w.length == 2 && (w[0].equals("pswpin") || w[0].equals("pswpout"))) {
                vm.put(w[0], Proc.number("vmstat", l, w[1]));
            }
        }
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("swap_in", (double) Proc.require("vmstat", vm, "pswpin"));
        values.put("swap_out", (double) Proc.require("vmstat", vm, "pswpout"));
        return List.of(new SampleBatch(host, "swap", timestamp, values, META));
    }
}
