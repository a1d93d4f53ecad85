package org.numeter.storage;

import org.rrd4j.ConsolFun;

/**
 * One field's past, as {@link RrdStore#importHistory} asks for it: already-computed rates (what a graph shows), one
 * archive row at a time.
 */
@FunctionalInterface
public interface FieldHistory {

    /**
     * @param cf how the period's values are consolidated (AVERAGE, MIN, MAX)
     * @param end the end of the period, a multiple of {@code step}
     * @param step the length of the period, in seconds
     * @return the rate over {@code (end - step, end]}, or NaN when unknown
     */
    double value(ConsolFun cf, long end, long step);
}
