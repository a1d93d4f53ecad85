package org.numeter.bench.load;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.numeter.codec.BatchCodec;
import org.numeter.codec.RecordCodec;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;
import org.numeter.spool.Spool;

/**
 * Many pollers in one JVM: each has its own spool and produces {@code series} values per tick, ten fields per
 * plugin, with metadata on its first tick as a real poller sends it.
 */
final class SimulatedFleet {
    static final int FIELDS_PER_PLUGIN = 10;

    private final List<String> hosts = new ArrayList<>();
    private final Map<String, Spool> spools = new LinkedHashMap<>();
    private final int plugins;
    private final int fields;
    private boolean compact = true;
    private final List<Plugin> metas = new ArrayList<>();
    private long ticks;
    private long batches;

    SimulatedFleet(int pollers, int series, long spoolBytesEach) {
        this(pollers, series, FIELDS_PER_PLUGIN, spoolBytesEach);
    }

    SimulatedFleet(int pollers, int series, int fields, long spoolBytesEach) {
        this.fields = fields;
        this.plugins = Math.max(1, series / fields);
        for (int p = 0; p < plugins; p++) {
            Plugin.Builder b = Plugin.builder("sim" + p).title("simulated " + p).category("bench");
            for (int f = 0; f < fields; f++) {
                b.field(Field.builder("f" + f).build());
            }
            metas.add(b.build());
        }
        for (int i = 0; i < pollers; i++) {
            String host = String.format("sim%05d", i);
            hosts.add(host);
            spools.put(host, new MemorySpool(spoolBytesEach, java.time.Clock.systemUTC()));
        }
    }

    /** Whether the pollers write compact records (v2, as this version does) or JSON (v1, as older ones did). */
    void compact(boolean compact) {
        this.compact = compact;
    }

    int pointsPerTick() {
        return hosts.size() * plugins * fields;
    }

    List<String> hosts() {
        return hosts;
    }

    Spool spool(String host) {
        return spools.get(host);
    }

    int batchesPerTick() {
        return plugins;
    }

    /** Every poller appends its plugins' values for {@code epochSecond}. */
    void tick(long epochSecond) throws IOException {
        boolean first = ticks == 0;
        for (int h = 0; h < hosts.size(); h++) {
            String host = hosts.get(h);
            List<byte[]> out = new ArrayList<>(plugins);
            for (int p = 0; p < plugins; p++) {
                Map<String, Double> values = new LinkedHashMap<>();
                for (int f = 0; f < fields; f++) {
                    values.put("f" + f, (double) ((h + p + f + ticks) % 1000));
                }
                SampleBatch batch = new SampleBatch(host, "sim" + p, epochSecond, values, first ? metas.get(p) : null);
                out.add(compact ? RecordCodec.encode(batch) : BatchCodec.encode(batch));
            }
            spools.get(host).appendAll(out);
        }
        ticks++;
        batches += (long) hosts.size() * plugins;
    }

    long batchesProduced() {
        return batches;
    }

    long droppedByPollers() {
        return spools.values().stream().mapToLong(s -> s.stats().dropped()).sum();
    }
}
