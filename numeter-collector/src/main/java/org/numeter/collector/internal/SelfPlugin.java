package org.numeter.collector.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.numeter.collector.PollerStatus;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.spool.SpoolStats;

/**
 * The collector's own plugin, {@code numeter_collector}: how many pollers it drains, how many fail and how many
 * are silent, the rate of records moved and refused, the worst lag, and its spool. It travels in the collector's
 * spool like any other batch, so the web draws the collector with no special code.
 */
public final class SelfPlugin {
    public static final String NAME = "numeter_collector";

    static final Plugin META = Plugin.builder(NAME)
            .title("Numeter collector")
            .category("numeter")
            .vlabel("count")
            .info("What this collector drains from its pollers and holds for its storages.")
            .fields(List.of(
                    Field.builder("pollers").label("pollers").type(FieldType.GAUGE).min(0.0).build(),
                    Field.builder("failing").label("pollers failing").type(FieldType.GAUGE).min(0.0)
                            .warning("0:0").build(),
                    Field.builder("silent").label("pollers silent").type(FieldType.GAUGE).min(0.0)
                            .warning("0:0").info("pollers from which nothing came for the collector's silence"
                                    + " threshold (collector.silent-after intervals)").build(),
                    Field.builder("records").label("records moved /s").type(FieldType.DERIVE).min(0.0).build(),
                    Field.builder("rejected").label("records rejected /s").type(FieldType.DERIVE).min(0.0)
                            .info("oversized, malformed, or about another host than the poller's").build(),
                    Field.builder("lag").label("worst lag (s)").type(FieldType.GAUGE).min(0.0)
                            .info("age of the oldest record moved by a poller's last drain").build(),
                    Field.builder("spool_records").label("spooled records").type(FieldType.GAUGE).min(0.0)
                            .build(),
                    Field.builder("spool_dropped").label("spool drops /s").type(FieldType.DERIVE).min(0.0)
                            .critical("0:0").build(),
                    Field.builder("poller_dropped").label("poller spool drops /s").type(FieldType.DERIVE)
                            .min(0.0).info("records pollers dropped because their spool was full").build()))
            .build();

    private SelfPlugin() {}

    /** The batch for this moment; {@code withMeta} on the first of a run, so a storage learns how to draw it. */
    public static SampleBatch batch(String host, long epochSecond, List<PollerStatus> pollers, SpoolStats spool,
            boolean withMeta) {
        long failing = 0;
        long silent = 0;
        long records = 0;
        long rejected = 0;
        long lag = 0;
        long pollerDropped = 0;
        for (PollerStatus p : pollers) {
            failing += p.consecutiveErrors() > 0 ? 1 : 0;
            silent += p.silent() ? 1 : 0;
            records += p.records();
            rejected += p.rejected();
            lag = Math.max(lag, p.lagMillis());
            pollerDropped += Math.max(0, p.pollerDropped());
        }
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("pollers", (double) pollers.size());
        values.put("failing", (double) failing);
        values.put("silent", (double) silent);
        values.put("records", (double) records);
        values.put("rejected", (double) rejected);
        values.put("lag", lag / 1000.0);
        values.put("spool_records", (double) spool.records());
        values.put("spool_dropped", (double) spool.dropped());
        values.put("poller_dropped", (double) pollerDropped);
        return new SampleBatch(host, NAME, epochSecond, values, withMeta ? META : null);
    }
}
