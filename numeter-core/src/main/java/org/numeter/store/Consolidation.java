package org.numeter.store;

import java.util.Locale;

/** How the points of a coarser archive were made from finer ones. */
public enum Consolidation {
    AVERAGE,
    MIN,
    MAX;

    public static Consolidation parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cf '" + text + "' is not one of AVERAGE, MIN, MAX", e);
        }
    }
}
