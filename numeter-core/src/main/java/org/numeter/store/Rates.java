package org.numeter.store;

import org.numeter.model.FieldType;

/** How a raw reading becomes a rate, with rrdtool's rules (and rrd4j's). */
public final class Rates {
    private static final double WRAP_32 = Math.pow(2, 32);
    private static final double WRAP_64 = Math.pow(2, 64);

    private Rates() {}

    public static double rate(FieldType type, double previous, double value, long seconds) {
        return switch (type) {
            case GAUGE -> value;
            case ABSOLUTE -> Double.isNaN(value) ? Double.NaN : value / seconds;
            case DERIVE -> Double.isNaN(value) || Double.isNaN(previous) ? Double.NaN : (value - previous) / seconds;
            case COUNTER -> {
                if (Double.isNaN(value) || Double.isNaN(previous)) {
                    yield Double.NaN;
                }
                // a decrease is a wrap of a 32-bit counter, else of a 64-bit one; a reset looks like a huge
                // wrap and is then refused by the field's max, as in rrdtool
                double diff = value - previous;
                if (diff < 0) {
                    diff += WRAP_32;
                }
                if (diff < 0) {
                    diff += WRAP_64 - WRAP_32;
                }
                yield diff / seconds;
            }
        };
    }
}
