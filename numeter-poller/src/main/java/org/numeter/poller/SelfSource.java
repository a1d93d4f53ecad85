package org.numeter.poller;

import java.util.List;
import java.util.Map;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.spool.SpoolStats;

/** The poller's own plugin, {@code numeter_poller}: how much it collects, what fails, how full its spool is. */
final class SelfSource implements Source {
    static final String PLUGIN = "numeter_poller";
    static final Plugin META = Plugin.builder(PLUGIN)
            .title("Numeter poller")
            .category("numeter")
            .vlabel("count")
            .info("What this poller collected and what waits in its spool for the next hop.")
            .field(Field.builder("samples").label("samples per second").type(FieldType.DERIVE).min(0.0)
                    .info("Values appended to the spool.").build())
            .field(Field.builder("errors").label("errors per second").type(FieldType.DERIVE).min(0.0)
                    .info("Failed, abandoned or skipped collections, and bad plugins or lines.").build())
            .field(Field.builder("spool_records").label("spool records")
                    .info("Records waiting for the next hop.").build())
            .field(Field.builder("spool_dropped").label("dropped per second").type(FieldType.DERIVE).min(0.0)
                    .info("Records the full spool dropped, oldest first, during a long outage: data lost.")
                    .build())
            .field(Field.builder("spool_oldest_age").label("oldest record age (s)")
                    .info("Seconds since the oldest waiting record was appended.").build())
            .field(Field.builder("cycle_duration").label("slowest cycle (s)")
                    .info("Duration of the slowest source's last collection, in seconds.").build())
            .build();

    private final Poller poller;

    SelfSource(Poller poller) {
        this.poller = poller;
    }

    @Override
    public String name() {
        return PLUGIN;
    }

    @Override
    public List<SampleBatch> collect(Cycle cycle) {
        long samples = 0;
        long errors = 0;
        long slowest = 0;
        for (SourceStats s : poller.stats()) {
            samples += s.samples();
            errors += s.errors();
            slowest = Math.max(slowest, s.lastDurationMillis());
        }
        SpoolStats spool = poller.spool().stats();
        Map<String, Double> values = Map.of(
                "samples", (double) samples,
                "errors", (double) errors,
                "spool_records", (double) spool.records(),
                "spool_dropped", (double) spool.dropped(),
                "spool_oldest_age", spool.oldestAgeMillis(poller.clock().millis()) / 1000.0,
                "cycle_duration", slowest / 1000.0);
        return List.of(new SampleBatch(cycle.host(), PLUGIN, cycle.timestamp(), ordered(values), META));
    }

    private static Map<String, Double> ordered(Map<String, Double> values) {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (String f : META.fieldNames()) {
            out.put(f, values.get(f));
        }
        return out;
    }
}
