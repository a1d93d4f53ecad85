package org.numeter.model;

import java.util.Locale;

/** How a field's raw values become rates, with munin's (and rrdtool's) meaning. */
public enum FieldType {
    /** The value as given. */
    GAUGE,
    /** A counter that only grows; a decrease is a wrap at 32 or 64 bits. */
    COUNTER,
    /** A rate of change that may go down; a decrease is a negative rate (clipped by {@code min}). */
    DERIVE,
    /** A count since the last reading, divided by the time since then. */
    ABSOLUTE;

    /** Parses munin's spelling, case-insensitively; the message names the bad value. */
    public static FieldType parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "type '" + text + "' is not one of GAUGE, COUNTER, DERIVE, ABSOLUTE", e);
        }
    }
}
