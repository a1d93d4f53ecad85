package org.numeter.poller.system;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.munin.Problems;

/**
 * {@code /proc/net/dev}: munin's {@code if_<iface>} (traffic in bits), {@code if_err_<iface>} (errors and drops)
 * and {@code if_packets_<iface>} per interface but the loopback, received drawn below the axis and sent above.
 */
final class NetworkReader implements Reader {
    private final ProcFiles proc;

    NetworkReader(ProcFiles proc) {
        this.proc = proc;
    }

    @Override
    public String plugins() {
        return "if_*, if_err_*, if_packets_*";
    }

    @Override
    public List<SampleBatch> read(String host, long timestamp, Problems problems) throws IOException {
        List<SampleBatch> out = new ArrayList<>();
        for (String line : proc.lines("net/dev")) {
            int colon = line.indexOf(':');
            if (colon < 0 || line.contains("|")) {
                continue;
            }
            String iface = line.substring(0, colon).trim();
            if (iface.equals("lo")) {
                continue;
            }
            String[] w = Proc.words(line.substring(colon + 1));
            if (w.length < 16) {
                problems.report("if_" + iface, "net/dev: " + w.length + " columns, 16 expected, in line '"
                        + line + "'");
                continue;
            }
            long[] n = new long[16];
            for (int i = 0; i < 16; i++) {
                n[i] = Proc.number("net/dev", line, w[i]);
            }
            String part = Proc.pluginPart(iface);
            out.add(traffic(host, timestamp, iface, part, n));
            out.add(errors(host, timestamp, iface, part, n));
            out.add(packets(host, timestamp, iface, part, n));
        }
        return out;
    }

    private static SampleBatch traffic(String host, long timestamp, String iface, String part, long[] n) {
        Plugin meta = Plugin.builder("if_" + part)
                .title(iface + " traffic").category("network").args("--base 1000")
                .vlabel("bits in (-) / out (+) per ${graph_period}")
                .info("This graph shows the traffic of the " + iface + " network interface.")
                .field(Field.builder("down").label("received").type(FieldType.DERIVE).min(0.0).graph(false)
                        .cdef("down,8,*").build())
                .field(Field.builder("up").label("bps").type(FieldType.DERIVE).min(0.0).negative("down")
                        .cdef("up,8,*").info("Traffic of the " + iface + " interface. Received below the axis,"
                                + " sent above.").build())
                .build();
        return new SampleBatch(host, meta.name(), timestamp, pair("down", n[0], "up", n[8]), meta);
    }

    private static SampleBatch errors(String host, long timestamp, String iface, String part, long[] n) {
        Plugin meta = Plugin.builder("if_err_" + part)
                .title(iface + " errors").category("network").args("--base 1000")
                .vlabel("packets in (-) / out (+) per ${graph_period}")
                .info("This graph shows the errors and drops of the " + iface + " network interface.")
                .field(Field.builder("rcvd").label("errors").type(FieldType.DERIVE).min(0.0).graph(false)
                        .build())
                .field(Field.builder("trans").label("errors").type(FieldType.DERIVE).min(0.0).negative("rcvd")
                        .warning("1").build())
                .field(Field.builder("rxdrop").label("drops").type(FieldType.DERIVE).min(0.0).graph(false)
                        .build())
                .field(Field.builder("txdrop").label("drops").type(FieldType.DERIVE).min(0.0).negative("rxdrop")
                        .build())
                .field(Field.builder("collisions").label("collisions").type(FieldType.DERIVE).min(0.0).build())
                .build();
        Map<String, Double> values = pair("rcvd", n[2], "trans", n[10]);
        values.put("rxdrop", (double) n[3]);
        values.put("txdrop", (double) n[11]);
        values.put("collisions", (double) n[13]);
        return new SampleBatch(host, meta.name(), timestamp, values, meta);
    }

    private static SampleBatch packets(String host, long timestamp, String iface, String part, long[] n) {
        Plugin meta = Plugin.builder("if_packets_" + part)
                .title(iface + " packets").category("network").args("--base 1000")
                .vlabel("packets in (-) / out (+) per ${graph_period}")
                .info("This graph shows the packets of the " + iface + " network interface.")
                .field(Field.builder("down").label("received").type(FieldType.DERIVE).min(0.0).graph(false)
                        .build())
                .field(Field.builder("up").label("packets").type(FieldType.DERIVE).min(0.0).negative("down")
                        .build())
                .build();
        return new SampleBatch(host, meta.name(), timestamp, pair("down", n[1], "up", n[9]), meta);
    }

    private static Map<String, Double> pair(String first, long a, String second, long b) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put(first, (double) a);
        values.put(second, (double) b);
        return values;
    }
}
