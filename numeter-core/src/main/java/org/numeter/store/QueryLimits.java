package org.numeter.store;

/**
 * The bounds of a query, checked before any work by the storage API and by the web, which passes queries on: every
 * value outside them is a 400 that quotes it, and a query inside them whose answer would still be too large is a
 * 413 ({@link QueryTooLargeException}). Together they bound the work of one request: at most {@link #MAX_ROWS}
 * archive rows read, {@link #MAX_CELLS} values answered, {@link #MAX_SPAN} drawn on a graph at most
 * {@link #MAX_WIDTH} by {@link #MAX_HEIGHT}.
 */
public final class QueryLimits {
    /** The earliest moment a query may name: the second after the epoch (rrd4j draws no graph from 0). */
    public static final long MIN_TIME = 1;
    /** The latest moment a query may name: 1 January 3000. */
    public static final long MAX_TIME = 32_503_680_000L;
    /** The longest range, 20 years: longer than any archive keeps (the coarsest keeps 450 days by default). */
    public static final long MAX_SPAN = 20L * 366 * 86_400;
    /** The coarsest resolution that may be asked for. */
    public static final long MAX_RESOLUTION = MAX_SPAN;
    /** The most points that may be asked for. */
    public static final int MAX_POINTS = 100_000;
    /** At most this many rows of a tier are read for one query. */
    public static final int MAX_ROWS = 1_000_000;
    /** At most this many values (rows times fields) are answered to one query. */
    public static final long MAX_CELLS = 4_000_000;
    public static final int MIN_WIDTH = 100;
    public static final int MAX_WIDTH = 4000;
    public static final int MIN_HEIGHT = 50;
    public static final int MAX_HEIGHT = 3000;

    private QueryLimits() {}

    /** Checks a range: both ends between {@link #MIN_TIME} and {@link #MAX_TIME}, {@code to} after {@code from}. */
    public static void requireRange(long from, long to) {
        requireTime("from", from);
        requireTime("to", to);
        if (to <= from) {
            throw new IllegalArgumentException("to '" + to + "' is not after from '" + from + "'");
        }
        if (to - from > MAX_SPAN) {
            throw new IllegalArgumentException("from '" + from + "' to '" + to + "' spans " + (to - from)
                    + " s, more than " + MAX_SPAN + " s (20 years)");
        }
    }

    /** Checks one end of a range. */
    public static void requireTime(String name, long t) {
        if (t < MIN_TIME || t > MAX_TIME) {
            throw new IllegalArgumentException(name + " '" + t + "' is not an epoch second between " + MIN_TIME
                    + " and " + MAX_TIME);
        }
    }
}
