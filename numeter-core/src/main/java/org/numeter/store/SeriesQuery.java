package org.numeter.store;

import java.util.List;

/**
 * A request for data, within {@link QueryLimits} (a single moment, {@code from == to}, is allowed here; the
 * HTTP API asks for a range).
 *
 * @param host the host id
 * @param plugin the plugin name
 * @param fields the fields wanted, or empty for all
 * @param from first epoch second, inclusive
 * @param to last epoch second, inclusive
 * @param resolution wanted seconds per point, or 0 to let {@code maxPoints} choose
 * @param maxPoints the most points wanted (the graph's width), or 0 for no limit
 * @param cf the consolidation wanted
 */
public record SeriesQuery(
        String host, String plugin, List<String> fields, long from, long to, long resolution, int maxPoints,
        Consolidation cf) {
    public SeriesQuery {
        fields = List.copyOf(fields == null ? List.of() : fields);
        QueryLimits.requireTime("from", from);
        QueryLimits.requireTime("to", to);
        if (to < from) {
            throw new IllegalArgumentException("to " + to + " is before from " + from);
        }
        if (resolution < 0 || resolution > QueryLimits.MAX_RESOLUTION) {
            throw new IllegalArgumentException("resolution '" + resolution + "' is not between 0 and "
                    + QueryLimits.MAX_RESOLUTION);
        }
        if (maxPoints < 0 || maxPoints > QueryLimits.MAX_POINTS) {
            throw new IllegalArgumentException("points '" + maxPoints + "' is not between 0 and "
                    + QueryLimits.MAX_POINTS);
        }
        if (cf == null) {
            cf = Consolidation.AVERAGE;
        }
    }
}
