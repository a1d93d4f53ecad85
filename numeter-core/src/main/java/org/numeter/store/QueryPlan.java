package org.numeter.store;

/**
 * How a store answers a {@link SeriesQuery}: which tier it reads, the grid of timestamps it returns, the part of
 * that grid the tier still holds, and how many tier points it joins into one afterwards. Both stores plan the same
 * way, so they return the same points.
 *
 * @param tier the tier read
 * @param tierStep its seconds per point
 * @param gridStart the first timestamp returned (before joining)
 * @param rows how many timestamps, from {@code gridStart} at {@code tierStep}
 * @param heldFrom the first timestamp the tier holds
 * @param heldTo the last timestamp the tier holds (0 when the plugin has no data yet)
 * @param factor tier points joined into one returned point, at least
 * @param maxPoints the most points to return, 0 for no limit
 */
public record QueryPlan(
        Archives.Tier tier, long tierStep, long gridStart, int rows, long heldFrom, long heldTo, int factor,
        int maxPoints) {

    /** At most this many tier points are read for one query, whatever the range. */
    public static final int MAX_ROWS = QueryLimits.MAX_ROWS;

    /**
     * Plans a query of {@code fields} fields; throws {@link QueryTooLargeException} when it would read more than
     * {@link QueryLimits#MAX_ROWS} rows or answer more than {@link QueryLimits#MAX_CELLS} values.
     */
    public static QueryPlan of(Archives archives, SeriesQuery q, long lastUpdate, int fields) {
        // Asked for a number of points, read the finest tier that holds the range and join its points here: a
        // coarser tier's newest point is only written when its whole step has passed, so a graph read from it
        // would end up to one coarse step (30 minutes for a month) before the data the finest tier already has.
        long wanted = q.resolution();
        Archives.Tier tier = archives.choose(q.from(), wanted, lastUpdate);
        long s = archives.tierStep(tier);
        long gridStart = Math.floorDiv(q.from(), s) * s;
        long rows = rows(q, s, gridStart);
        // a range too long for that tier (a graph of years ending in the future) is read from a coarser one when
        // the answer is to be joined anyway: the rows read stay bounded, the points returned are the same number
        int next = archives.tiers().indexOf(tier) + 1;
        while (rows > MAX_ROWS && (q.maxPoints() > 0 || q.resolution() > s) && next < archives.tiers().size()) {
            tier = archives.tiers().get(next++);
            s = archives.tierStep(tier);
            gridStart = Math.floorDiv(q.from(), s) * s;
            rows = rows(q, s, gridStart);
        }
        if (rows > MAX_ROWS) {
            throw new QueryTooLargeException("from " + q.from() + " to " + q.to() + " at " + s
                    + " s per point is " + rows + " points, more than " + MAX_ROWS + ": ask for a shorter range"
                    + " or a coarser resolution");
        }
        if (rows * Math.max(1, fields) > QueryLimits.MAX_CELLS) {
            throw new QueryTooLargeException("from " + q.from() + " to " + q.to() + " at " + s + " s per point is "
                    + rows + " points of " + fields + " fields, more than " + QueryLimits.MAX_CELLS
                    + " values: ask for fewer fields, a shorter range or a coarser resolution");
        }
        long heldFrom = lastUpdate == 0 ? 0 : archives.tierStart(tier, lastUpdate) + s;
        long heldTo = lastUpdate == 0 ? 0 : archives.tierEnd(tier, lastUpdate);
        int factor = 1;
        if (q.resolution() > s) {
            // more than the rows would join everything into one point anyway
            factor = (int) Math.min(rows, q.resolution() / s);
        }
        if (q.maxPoints() > 0 && (rows + factor - 1) / factor > q.maxPoints()) {
            factor = (int) ((rows + q.maxPoints() - 1) / q.maxPoints());
        }
        return new QueryPlan(tier, s, gridStart, (int) rows, heldFrom, heldTo, factor, q.maxPoints());
    }

    private static long rows(SeriesQuery q, long s, long gridStart) {
        long gridEnd = Math.floorDiv(q.to(), s) * s;
        if (gridEnd < q.to()) {
            gridEnd += s;
        }
        return (gridEnd - gridStart) / s + 1;
    }

    /** Joins the tier's points as planned, and further while there are more than {@code maxPoints}. */
    public Series finish(Series tierSeries) {
        int f = factor;
        Series out = tierSeries.coarsen(f);
        while (maxPoints > 0 && out.size() > maxPoints) {
            out = tierSeries.coarsen(++f);
        }
        return out;
    }

    public long timestamp(int row) {
        return gridStart + row * tierStep;
    }

    public boolean held(long timestamp) {
        return heldTo != 0 && timestamp >= heldFrom && timestamp <= heldTo;
    }
}
