package org.numeter.store;

import java.util.List;

/**
 * Points at a regular step: {@code values[f][i]} is field {@code fields.get(f)} at {@code start + i * step};
 * {@link Double#NaN} is unknown. A point at time {@code t} stands for the interval {@code (t - step, t]}, as in
 * rrdtool.
 */
public record Series(
        String host, String plugin, Consolidation cf, long start, long step, List<String> fields, double[][] values) {

    public Series {
        fields = List.copyOf(fields);
    }

    public int size() {
        return values.length == 0 ? 0 : values[0].length;
    }

    public long timestamp(int index) {
        return start + index * step;
    }

    /** The value of a field at a timestamp, NaN when unknown or outside the series. */
    public double value(String field, long timestamp) {
        int f = fields.indexOf(field);
        if (f < 0 || timestamp < start || (timestamp - start) % step != 0) {
            return Double.NaN;
        }
        long i = (timestamp - start) / step;
        return i < size() ? values[f][(int) i] : Double.NaN;
    }

    /**
     * Joins every {@code factor} points into one with this series' consolidation, on boundaries that are multiples
     * of the new step (so the same data always gives the same points); a joined point is unknown when more than
     * {@link Archives#XFF} of its points are.
     */
    public Series coarsen(int factor) {
        if (factor <= 1 || size() == 0) {
            return this;
        }
        long newStep = step * factor;
        long first = Math.floorDiv(start + newStep - 1, newStep) * newStep;
        long last = Math.floorDiv(timestamp(size() - 1) + newStep - 1, newStep) * newStep;
        int n = (int) ((last - first) / newStep) + 1;
        double[][] out = new double[values.length][n];
        for (int f = 0; f < values.length; f++) {
            for (int j = 0; j < n; j++) {
                // the points in (end - newStep, end], by index, so that the work is the points and not the span
                long end = first + j * newStep;
                long lo = Math.max(0, Math.floorDiv(end - newStep - start, step) + 1);
                long hi = Math.min(size() - 1L, Math.floorDiv(end - start, step));
                Consolidator c = new Consolidator(cf);
                for (long i = lo; i <= hi; i++) {
                    c.add(values[f][(int) i]);
                }
                out[f][j] = c.result();
            }
        }
        return new Series(host, plugin, cf, first, newStep, fields, out);
    }

    /** Consolidates primary points the way an rrdtool archive does. */
    static final class Consolidator {
        private final Consolidation cf;
        private int known;
        private int unknown;
        private double acc;

        Consolidator(Consolidation cf) {
            this.cf = cf;
            this.acc = cf == Consolidation.MIN ? Double.POSITIVE_INFINITY
                    : cf == Consolidation.MAX ? Double.NEGATIVE_INFINITY : 0;
        }

        void add(double v) {
            if (Double.isNaN(v)) {
                unknown++;
                return;
            }
            known++;
            acc = switch (cf) {
                case AVERAGE -> acc + v;
                case MIN -> Math.min(acc, v);
                case MAX -> Math.max(acc, v);
            };
        }

        double result() {
            if (known == 0 || unknown > Archives.XFF * (known + unknown)) {
                return Double.NaN;
            }
            return cf == Consolidation.AVERAGE ? acc / known : acc;
        }
    }
}
