package org.numeter.store;

import java.util.List;

/**
 * Points at a regular step: {@code values[f][i]} is field {@code fields.get(f)} at {@code start + i * step};
 * {@link Double#NaN} is unknown.
 */
public record Series(
        String host, String plugin, Consolidation cf, long start, long step, List<String> fields, double[][] values) {

    public int size() {
        return values.length == 0 ? 0 : values[0].length;
    }

    public long timestamp(int index) {
        return start + index * step;
    }
}
