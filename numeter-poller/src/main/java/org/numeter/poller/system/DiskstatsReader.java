package org.numeter.poller.system;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Names;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.munin.Problems;

/**
 * {@code /proc/diskstats}: operations, bytes and busy time per whole disk, as munin's {@code diskstats} draws
 * them: reads below the axis, writes above. Partitions and devices that never did any I/O are left out.
 */
final class DiskstatsReader implements Reader {
    private static final Pattern PARTITION = Pattern.compile("(?:[shv]d|xvd)[a-z]+\\d+|.*\\dp\\d+");
    private static final long SECTOR = 512;

    private final ProcFiles proc;

    DiskstatsReader(ProcFiles proc) {
        this.proc = proc;
    }

    @Override
    public String plugins() {
        return "diskstats_iops, diskstats_throughput, diskstats_utilization";
    }

    @Override
    public List<SampleBatch> read(String host, long timestamp, Problems problems) throws IOException {
        Map<String, Double> iops = new LinkedHashMap<>();
        Map<String, Double> bytes = new LinkedHashMap<>();
        Map<String, Double> busy = new LinkedHashMap<>();
        Plugin.Builder iopsMeta = Plugin.builder("diskstats_iops")
                .title("Disk IOs per device").category("disk").args("--base 1000")
                .vlabel("IOs per ${graph_period} read (-) / write (+)")
                .info("This graph shows the number of read and write operations of each disk.");
        Plugin.Builder bytesMeta = Plugin.builder("diskstats_throughput")
                .title("Disk throughput per device").category("disk").args("--base 1024")
                .vlabel("Bytes per ${graph_period} read (-) / write (+)")
                .info("This graph shows the bytes read from and written to each disk.");
        Plugin.Builder busyMeta = Plugin.builder("diskstats_utilization")
                .title("Disk utilization per device").category("disk").vlabel("% busy").scale(false)
                .args("--base 1000 -l 0 --upper-limit 100")
                .info("This graph shows the share of time each disk was busy with at least one request.");
        for (String line : proc.lines("diskstats")) {
            String[] w = Proc.words(line);
            if (w.length < 14) {
                continue;
            }
            String device = w[2];
            if (PARTITION.matcher(device).matches()) {
                continue;
            }
            long readIos = Proc.number("diskstats", line, w[3]);
            long readSectors = Proc.number("diskstats", line, w[5]);
            long writeIos = Proc.number("diskstats", line, w[7]);
            long writeSectors = Proc.number("diskstats", line, w[9]);
            long busyMillis = Proc.number("diskstats", line, w[12]);
            if (readIos == 0 && writeIos == 0) {
                continue;
            }
            String f = Names.cleanField(device);
            iops.put(f + "_rdio", (double) readIos);
            iops.put(f + "_wrio", (double) writeIos);
            iopsMeta.field(Field.builder(f + "_rdio").label(device).type(FieldType.DERIVE).min(0.0).graph(false)
                    .build());
            iopsMeta.field(Field.builder(f + "_wrio").label(device).type(FieldType.DERIVE).min(0.0)
                    .negative(f + "_rdio").build());
            bytes.put(f + "_rdbytes", (double) (readSectors * SECTOR));
            bytes.put(f + "_wrbytes", (double) (writeSectors * SECTOR));
            bytesMeta.field(Field.builder(f + "_rdbytes").label(device).type(FieldType.DERIVE).min(0.0)
                    .graph(false).build());
            bytesMeta.field(Field.builder(f + "_wrbytes").label(device).type(FieldType.DERIVE).min(0.0)
                    .negative(f + "_rdbytes").build());
            busy.put(f + "_util", (double) busyMillis);
            // Milliseconds busy per second, divided by 10, is percent busy.
            busyMeta.field(Field.builder(f + "_util").label(device).type(FieldType.DERIVE).min(0.0)
                    .cdef(f + "_util,10,/").build());
        }
        if (iops.isEmpty()) {
            return List.of();
        }
        return List.of(
                new SampleBatch(host, "diskstats_iops", timestamp, iops, iopsMeta.build()),
                new SampleBatch(host, "diskstats_throughput", timestamp, bytes, bytesMeta.build()),
                new SampleBatch(host, "diskstats_utilization", timestamp, busy, busyMeta.build()));
    }
}
