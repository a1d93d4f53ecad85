package org.numeter.web.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.numeter.model.Field;
import org.numeter.model.Plugin;

/**
 * Data as the graph draws it: one row per moment, {@code [epochSecond, v1, v2...]} in the order of the graph's
 * series, each field's {@code cdef} applied, the {@code negative} halves already below the axis; null is unknown.
 */
public record SeriesAnswer(String host, String plugin, long step, List<String> labels, List<Object[]> points) {

    /** The fields to ask the storage for: the drawn ones and those their cdefs read. */
    public static List<String> fieldsToFetch(Plugin meta, GraphSpec spec) {
        Set<String> out = new LinkedHashSet<>(spec.fields());
        for (String f : spec.fields()) {
            Cdef c = cdef(meta, f);
            if (c != null) {
                c.references().stream().filter(r -> meta.field(r).isPresent()).forEach(out::add);
            }
        }
        return List.copyOf(out);
    }

    public static SeriesAnswer of(String host, Plugin meta, GraphSpec spec, StorageClient.Data data) {
        List<GraphSpec.Series> series = spec.series();
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < data.fields().size(); i++) {
            columns.put(data.fields().get(i), i);
        }
        Cdef[] cdefs = new Cdef[series.size()];
        for (int s = 0; s < series.size(); s++) {
            cdefs[s] = cdef(meta, series.get(s).field());
        }
        List<Object[]> rows = new ArrayList<>(data.times().length);
        for (int i = 0; i < data.times().length; i++) {
            double[] raw = data.rows()[i];
            Object[] row = new Object[series.size() + 1];
            row[0] = data.times()[i];
            for (int s = 0; s < series.size(); s++) {
                Integer column = columns.get(series.get(s).field());
                double v;
                if (cdefs[s] != null) {
                    v = cdefs[s].apply(name -> {
                        Integer c = columns.get(name);
                        return c == null ? Double.NaN : raw[c];
                    });
                } else {
                    v = column == null ? Double.NaN : raw[column];
                }
                row[s + 1] = Double.isNaN(v) || Double.isInfinite(v) ? null : series.get(s).negate() ? -v : v;
            }
            rows.add(row);
        }
        return new SeriesAnswer(host, meta.name(), data.step(), spec.labels(), rows);
    }

    /** A field's cdef, or null when it has none or one the web cannot read (then the raw values are drawn). */
    static Cdef cdef(Plugin meta, String field) {
        String expression = meta.field(field).map(Field::cdef).orElse(null);
        if (expression == null || expression.isBlank()) {
            return null;
        }
        try {
            return Cdef.parse(expression);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
