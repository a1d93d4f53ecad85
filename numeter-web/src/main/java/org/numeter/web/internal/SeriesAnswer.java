package org.numeter.web.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Data as the graph draws it: one row per moment, {@code [epochSecond, v1, v2...]} in the order of the graph's
 * series, with the {@code negative} halves already below the axis; null is unknown.
 */
public record SeriesAnswer(String host, String plugin, long step, List<String> labels, List<Object[]> points) {

    public static SeriesAnswer of(String host, String plugin, GraphSpec spec, StorageClient.Data data) {
        List<GraphSpec.Series> series = spec.series();
        int[] column = new int[series.size()];
        for (int s = 0; s < series.size(); s++) {
            column[s] = data.fields().indexOf(series.get(s).field());
        }
        List<Object[]> rows = new ArrayList<>(data.times().length);
        for (int i = 0; i < data.times().length; i++) {
            Object[] row = new Object[series.size() + 1];
            row[0] = data.times()[i];
            for (int s = 0; s < series.size(); s++) {
                double v = column[s] < 0 ? Double.NaN : data.rows()[i][column[s]];
                row[s + 1] = Double.isNaN(v) ? null : series.get(s).negate() ? -v : v;
            }
            rows.add(row);
        }
        return new SeriesAnswer(host, plugin, data.step(), spec.labels(), rows);
    }
}
