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
    private Double min;
    private Double max;
    Thresholds thresholds;

    AlertState state = AlertState.OK;
    /** The newest point already judged before a restart, from the journal: later replays change nothing. */
    long judgedUpTo;
    private int against;
    private int unknowns;
    private double previous = Double.NaN;
    private long previousTime;
    private boolean hasPrevious;
    double lastValue = Double.NaN;

    FieldWatch(Field field, Thresholds thresholds) {
        this.name = field.name();
        describe(field, thresholds);
    }

    void describe(Field field, Thresholds t) {
        this.type = field.type();
        this.min = field.min();
        this.max = field.max();
        this.thresholds = t;
    }

    /**
     * Judges one point; answers the new state, or null when the state stays.
     *
     * @param time the point's epoch second, later than the previous one's
     * @param raw the value as sampled (NaN for munin's {@code U})
     */
    AlertState observe(long time, double raw) {
        double value;
        if (type == FieldType.GAUGE) {
            value = raw;
        } else if (!hasPrevious || (Double.isNaN(previous) && !Double.isNaN(raw))) {
            // a rate needs two readings: the first after a start or after an unknown only primes the next
            remember(time, raw);
            return null;
        } else {
            value = Rates.rate(type, previous, raw, time - previousTime);
        }
        remember(time, raw);
        if (!Double.isNaN(value) && ((min != null && value < min) || (max != null && value > max))) {
            value = Double.NaN;
        }
        if (time <= judgedUpTo || thresholds == null) {
            return null;
        }
        if (Double.isNaN(value)) {
            against = 0;
            if (++unknowns < thresholds.unknownLimit() || state == AlertState.UNKNOWN) {
                return null;
            }
            return become(AlertState.UNKNOWN, time);
        }
        unknowns = 0;
        lastValue = value;
        AlertState target = target(value);
        if (target == state) {
            against = 0;
            return null;
        }
        if (++against < thresholds.forPoints()) {
            return null;
        }
        return become(target, time);
    }

    /** Where the value points: up at once with the plain limits, down only past the hysteresis margin. */
    private AlertState target(double value) {
        AlertState plain = thresholds.level(value, false);
        if (state == AlertState.UNKNOWN || rank(plain) >= rank(state)) {
            return plain;
        }
        AlertState narrowed = thresholds.level(value, true);
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
        previousTime = time;
        hasPrevious = true;
    }

    /** The newest point seen. */
    long lastTime() {
        return previousTime;
    }
}
