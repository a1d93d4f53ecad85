package org.numeter.alert;

import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.store.Rates;

/**
 * The state machine of one field: values in, a new state out when the limits say so, for as many points as asked
 * ("for N points"), with a margin back inside a limit before a problem ends (hysteresis), and UNKNOWN after munin's
 * {@code unknown_limit} unknown values in a row. Counters and derives are judged on their rate, as the round-robin
 * file stores them, and a rate outside the field's {@code min}/{@code max} is unknown, as there.
 *
 * <p>Not thread-safe: the engine calls it under its lock.
 */
final class FieldWatch {
    final String name;
    private FieldType type;
    // the hot path reads only primitives of this object: no pointer to follow for a point that changes nothing
    private double min;
    private double max;
    private double warnLo;
    private double warnHi;
    private double critLo;
    private double critHi;
    private double margin;
    private boolean percent;
    private int forPoints;
    private int unknownLimit;
    Thresholds thresholds;

    AlertState state = AlertState.OK;
    /** The newest point already judged before a restart, from the journal: later replays change nothing. */
    long judgedUpTo;
    private int against;
    private int unknowns;
    private double previous = Double.NaN;
    private long lastTime;
    private boolean hasPrevious;
    double lastValue = Double.NaN;

    FieldWatch(Field field, Thresholds thresholds) {
        this(field.name(), field, thresholds);
    }

    /** @param name the field's name, as the engine keeps one instance of it */
    FieldWatch(String name, Field field, Thresholds thresholds) {
        this.name = name;
        describe(field, thresholds);
    }

    void describe(Field field, Thresholds t) {
        this.type = field.type();
        this.min = field.min() == null ? Double.NaN : field.min();
        this.max = field.max() == null ? Double.NaN : field.max();
        this.thresholds = t;
        if (t != null) {
            warnLo = t.warning() == null ? Double.NaN : t.warning().min();
            warnHi = t.warning() == null ? Double.NaN : t.warning().max();
            critLo = t.critical() == null ? Double.NaN : t.critical().min();
            critHi = t.critical() == null ? Double.NaN : t.critical().max();
            margin = t.hysteresis();
            percent = t.percent();
            forPoints = t.forPoints();
            unknownLimit = t.unknownLimit();
        }
    }

    /** Thresholds.level with the limits copied here (NaN: no bound; a NaN compare is false). */
    private AlertState level(double value, boolean narrowed) {
        double m = narrowed ? margin : 0;
        if (outside(value, critLo, critHi, m)) {
            return AlertState.CRITICAL;
        }
        if (outside(value, warnLo, warnHi, m)) {
            return AlertState.WARNING;
        }
        return AlertState.OK;
    }

    private boolean outside(double value, double lo, double hi, double m) {
        if (m > 0) {
            lo += percent ? Math.abs(lo) * m / 100 : m;
            hi -= percent ? Math.abs(hi) * m / 100 : m;
        }
        return value < lo || value > hi;
    }

    /**
     * Judges one point; answers the new state, or null when the state stays.
     *
     * @param time the point's epoch second, later than the previous one's
     * @param raw the value as sampled (NaN for munin's {@code U})
     */
    AlertState observe(long time, double raw) {
        if (primes(type, hasPrevious, previous, raw)) {
            remember(time, raw);
            return null;
        }
        double value = judged(type, previous, raw, time - lastTime);
        if (type != FieldType.GAUGE) {
            remember(time, raw);
        }
        return judge(time, value);
    }

    /**
     * Whether a reading only primes the next rate: the first of a counter, derive or absolute after a start, or the
     * first known one after an unknown (a rate needs two readings).
     */
    static boolean primes(FieldType type, boolean hasPrevious, double previous, double raw) {
        return type != FieldType.GAUGE && (!hasPrevious || (Double.isNaN(previous) && !Double.isNaN(raw)));
    }

    /** What a reading is judged on: a gauge's value, the others' rate since the previous reading. */
    static double judged(FieldType type, double previous, double raw, long seconds) {
        return type == FieldType.GAUGE ? raw : Rates.rate(type, previous, raw, seconds);
    }

    /** Judges a value already made a rate (see {@link #judged}); the engine keeps the readings itself. */
    AlertState judge(long time, double value) {
        if (value < min || value > max) {
            value = Double.NaN;
        }
        if (time <= judgedUpTo || thresholds == null) {
            return null;
        }
        if (Double.isNaN(value)) {
            if (against != 0) {
                against = 0;
            }
            if (++unknowns < unknownLimit || state == AlertState.UNKNOWN) {
                return null;
            }
            return become(AlertState.UNKNOWN, time);
        }
        if (unknowns != 0) {
            unknowns = 0;
        }
        AlertState target = target(value);
        if (target == state) {
            if (against != 0) {
                against = 0;
            }
            return null;
        }
        lastValue = value;
        if (++against < forPoints) {
            return null;
        }
        return become(target, time);
    }

    /**
     * Whether a value from {@link #quietLow()} to {@link #quietHigh()} can change nothing here: the field is OK,
     * with no point counted towards a change and no unknown counted. The engine then does not touch this object.
     */
    boolean quiet() {
        return state == AlertState.OK && against == 0 && unknowns == 0 && thresholds != null;
    }

    /** The lowest value that keeps an OK field OK: the highest of min and the limits' lower bounds. */
    double quietLow() {
        double out = Double.NEGATIVE_INFINITY;
        for (double b : new double[] {min, warnLo, critLo}) {
            if (!Double.isNaN(b) && b > out) {
                out = b;
            }
        }
        return out;
    }

    /** The highest value that keeps an OK field OK: the lowest of max and the limits' upper bounds. */
    double quietHigh() {
        double out = Double.POSITIVE_INFINITY;
        for (double b : new double[] {max, warnHi, critHi}) {
            if (!Double.isNaN(b) && b < out) {
                out = b;
            }
        }
        return out;
    }

    FieldType type() {
        return type;
    }

    /** Where the value points: up at once with the plain limits, down only past the hysteresis margin. */
    private AlertState target(double value) {
        AlertState plain = level(value, false);
        if (state == AlertState.UNKNOWN || rank(plain) >= rank(state)) {
            return plain;
        }
        AlertState narrowed = level(value, true);
        return rank(narrowed) < rank(state) ? narrowed : state;
    }

    private static int rank(AlertState s) {
        return switch (s) {
            case OK, UNKNOWN -> 0;
            case WARNING -> 1;
            case CRITICAL -> 2;
        };
    }

    /** A state the engine decides (silence, a removed rule), the counters reset. */
    AlertState become(AlertState next, long time) {
        state = next;
        against = 0;
        if (next != AlertState.UNKNOWN) {
            unknowns = 0;
        }
        judgedUpTo = Math.max(judgedUpTo, time);
        return next;
    }

    private void remember(long time, double raw) {
        previous = raw;
        lastTime = time;
        hasPrevious = true;
    }


}
