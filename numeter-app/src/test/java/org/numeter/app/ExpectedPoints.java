package org.numeter.app;

import java.util.Collection;
import java.util.NavigableSet;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a round-robin file must hold, point by point, once a GAUGE whose value is its own timestamp was updated
 * at the given seconds, in order, each once: rrd4j's rules written out, so that a storage's answer can be compared
 * exactly with what the poller produced.
 *
 * <p>An update at {@code u} after one at {@code p} covers the steps in {@code (p, u]} with its value when
 * {@code u - p} is at most the heartbeat, and leaves them unknown otherwise; the first update of a file covers its
 * own step (the file starts one step before it). So with a 1 s step every update's own second holds its value,
 * a second the poller skipped holds the next value, and the seconds across a restart longer than the heartbeat are
 * unknown, the first one after it included.
 */
final class ExpectedPoints {
    private ExpectedPoints() {}

    /**
     * The known points in {@code [from, to]}, timestamp to value.
     *
     * @param updates the seconds the storage was given, each once (duplicates are ignored, as the storage drops them)
     */
    static SortedMap<Long, Double> of(Collection<Long> updates, long step, long heartbeat, long from, long to) {
        NavigableSet<Long> sorted = new TreeSet<>(updates);
        SortedMap<Long, Double> out = new TreeMap<>();
        Long previous = null;
        for (long u : sorted) {
            long covered = previous == null ? u - step : previous;
            boolean known = u - covered <= heartbeat;
            for (long s = covered + step; s <= u; s += step) {
                if (known && s >= from && s <= to) {
                    out.put(s, (double) u);
                }
            }
            previous = u;
        }
        return out;
    }
}
