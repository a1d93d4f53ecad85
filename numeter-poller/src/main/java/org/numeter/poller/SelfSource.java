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

    static final String PLUGINS = "numeter_plugins";
    private static final Plugin PLUGINS_META = Plugin.builder(PLUGINS)
            .title("Numeter plugins by state")
            .category("numeter")
            .vlabel("plugins")
            .info("The plugins of this poller's munin and exec sources by how their last collection ended. Each"
                    + " failing plugin is named, with why, in this plugin's description (health.<plugin>).")
            .field(Field.builder("ok").label("ok").min(0.0).build())
            .field(Field.builder("timed_out").label("timed out").min(0.0)
                    .info("No answer within the plugin's timeout: no value this cycle.").build())
            .field(Field.builder("failed").label("failed").min(0.0)
                    .info("Exited with an error, could not start, or its connection broke.").build())
            .field(Field.builder("bad_output").label("bad output").min(0.0)
                    .info("Printed lines that are not munin's; its other values arrived.").build())
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
        SampleBatch self = new SampleBatch(cycle.host(), PLUGIN, cycle.timestamp(), ordered(values), META);
        List<PluginHealth> health = poller.health();
        if (health.isEmpty()) {
            return List.of(self);
        }
        return List.of(self, plugins(cycle, health));
    }

    /** {@code numeter_plugins}: plugins by state, and each failing one's reason in the metadata. */
    private static SampleBatch plugins(Cycle cycle, List<PluginHealth> health) {
        Map<String, Double> counts = new java.util.LinkedHashMap<>();
        for (PluginHealth.State s : PluginHealth.State.values()) {
            counts.put(s.key(), 0.0);
        }
        Plugin.Builder meta = PLUGINS_META.toBuilder();
        for (PluginHealth h : health) {
            counts.merge(h.state().key(), 1.0, Double::sum);
            if (h.state() != PluginHealth.State.OK) {
                meta.extra("health." + h.plugin(), h.state().label() + " since "
                        + java.time.Instant.ofEpochMilli(h.sinceMillis()) + " (" + h.source() + "): " + h.detail()
                        + "; last success " + (h.lastSuccessMillis() == 0 ? "never"
                                : java.time.Instant.ofEpochMilli(h.lastSuccessMillis()).toString()));
            }
        }
        return new SampleBatch(cycle.host(), PLUGINS, cycle.timestamp(), counts, meta.build());
    }

    private static Map<String, Double> ordered(Map<String, Double> values) {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (String f : META.fieldNames()) {
            out.put(f, values.get(f));
        }
        return out;
    }
}
