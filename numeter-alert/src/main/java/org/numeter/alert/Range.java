package org.numeter.alert;

/**
 * A munin limit: the range a value must stay in. munin writes it {@code max}, {@code min:max}, {@code min:} or
 * {@code :max}; a value outside is a problem, a value on a bound is not (munin's own comparison).
 *
 * @param min the lowest good value, or NaN for none
 * @param max the highest good value, or NaN for none
 * @param text the limit as written
 */
public record Range(double min, double max, String text) {

    /**
     * Reads munin's syntax; a blank text is null (no limit). Anything else is an {@link IllegalArgumentException}
     * that quotes the text and lists the four forms.
     */
    public static Range parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        int colon = t.indexOf(':');
        double min = Double.NaN;
        double max;
        if (colon < 0) {
            max = number(t, text);
        } else {
            if (t.indexOf(':', colon + 1) >= 0) {
                throw bad(text);
            }
            String lo = t.substring(0, colon).trim();
            String hi = t.substring(colon + 1).trim();
            if (lo.isEmpty() && hi.isEmpty()) {
                throw bad(text);
            }
            min = lo.isEmpty() ? Double.NaN : number(lo, text);
            max = hi.isEmpty() ? Double.NaN : number(hi, text);
            if (!Double.isNaN(min) && !Double.isNaN(max) && min > max) {
                throw new IllegalArgumentException("limit '" + text + "': its minimum " + lo
                        + " is above its maximum " + hi);
            }
        }
        return new Range(min, max, t);
    }

    /** A range with only a maximum, as a view's threshold line is. */
    public static Range atMost(double max) {
        return new Range(Double.NaN, max, format(max));
    }

    private static double number(String s, String whole) {
        try {
            double d = Double.parseDouble(s);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw bad(whole);
            }
            return d;
        } catch (NumberFormatException e) {
            throw bad(whole);
        }
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("limit '" + text + "' is not a munin range (max, min:max, min: or :max)");
    }

    /** Whether the value is inside: {@code min <= value <= max}, a missing side being unbounded. */
    public boolean contains(double value) {
        return !(value < min) && !(value > max);
    }

    /**
     * Whether the value is inside the range narrowed by a margin on each bounded side: where a value must be to
     * count as back, with hysteresis. {@code percent} makes the margin a share of each bound's magnitude.
     */
    public boolean containsWithin(double value, double margin, boolean percent) {
        if (margin <= 0) {
            return contains(value);
        }
        double lo = Double.isNaN(min) ? min : min + (percent ? Math.abs(min) * margin / 100 : margin);
        double hi = Double.isNaN(max) ? max : max - (percent ? Math.abs(max) * margin / 100 : margin);
        return !(value < lo) && !(value > hi);
    }

    /** Says which side the value left by, for messages: "above 90" or "below 10". */
    public String describe(double value) {
        if (value > max) {
            return "above " + format(max);
        }
        if (value < min) {
            return "below " + format(min);
        }
        return "within " + text;
    }

    static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    @Override
    public String toString() {
        return text;
    }
}
