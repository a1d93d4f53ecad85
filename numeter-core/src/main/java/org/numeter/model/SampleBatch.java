package org.numeter.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values of one plugin of one host at one moment: what a source produces and every hop carries.
 *
 * @param host the host id
 * @param plugin the plugin name
 * @param timestamp epoch seconds
 * @param values field name to value; {@link Double#NaN} means unknown (munin's {@code U})
 * @param meta the plugin's metadata when it is new or changed, else null: a storage keeps the last it saw
 */
public record SampleBatch(String host, String plugin, long timestamp, Map<String, Double> values, Plugin meta) {

    public SampleBatch {
        Names.requireHost(host);
        Names.requirePlugin(plugin);
        if (timestamp <= 0) {
            throw new IllegalArgumentException(
                    "host " + host + ", plugin " + plugin + ": timestamp " + timestamp + " is not a positive epoch second");
        }
        if (values == null) {
            values = Map.of();
        }
        for (var e : values.entrySet()) {
            if (!Names.isField(e.getKey())) {
                throw new IllegalArgumentException("host " + host + ", plugin " + plugin + ": field '" + e.getKey()
                        + "' is not a valid field name");
            }
            if (e.getValue() == null || e.getValue().isInfinite()) {
                throw new IllegalArgumentException("host " + host + ", plugin " + plugin + ", field " + e.getKey()
                        + ": value '" + e.getValue() + "' is not a finite number or unknown");
            }
        }
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        if (meta != null && !meta.name().equals(plugin)) {
            throw new IllegalArgumentException("host " + host + ", plugin " + plugin + ": metadata is for plugin '"
                    + meta.name() + "'");
        }
    }

    public SampleBatch withoutMeta() {
        return meta == null ? this : new SampleBatch(host, plugin, timestamp, values, null);
    }

    public SampleBatch withMeta(Plugin plugin) {
        return new SampleBatch(host, this.plugin, timestamp, values, plugin);
    }
}
