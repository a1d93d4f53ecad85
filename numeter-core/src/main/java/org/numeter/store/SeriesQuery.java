package org.numeter.store;

import java.util.List;

/**
 * A request for data.
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
        if (to < from) {
            throw new IllegalArgumentException("to " + to + " is before from " + from);
        }
        if (resolution < 0 || maxPoints < 0) {
            throw new IllegalArgumentException("resolution and points must not be negative");
        }
        if (cf == null) {
            cf = Consolidation.AVERAGE;
        }
    }
}
