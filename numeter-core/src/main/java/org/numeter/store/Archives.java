package org.numeter.store;

import java.util.List;
import java.util.Locale;

/**
 * The shape of a plugin's round-robin archives: a primary step and tiers of consolidated points, each kept with
 * AVERAGE, MIN and MAX. Both stores use it, so they choose the same tier for the same query.
 *
 * @param name how a site names it in its configuration ({@code default}, {@code munin}, {@code fine})
 * @param step seconds between primary points: the poller interval
 * @param tiers from finest to coarsest
 */
public record Archives(String name, long step, List<Tier> tiers) {

    /** Munin's shape one tier finer: 1-minute points for 2 days, 5-minute for 9, 30-minute for 45, 1-day for 450. */
    public static final Archives DEFAULT = new Archives("default", 60,
            List.of(new Tier(1, 2880), new Tier(5, 2592), new Tier(30, 2160), new Tier(1440, 450)));

    /** Munin's own: 5-minute points for 2 days, 30-minute for 9, 2-hour for 45, 1-day for 450. */
    public static final Archives MUNIN = new Archives("munin", 300,
            List.of(new Tier(1, 576), new Tier(6, 432), new Tier(24, 540), new Tier(288, 450)));

    /** For graphs that fill at once ({@code numeter standalone}): 10-second points for a day, then as DEFAULT. */
    public static final Archives FINE = new Archives("fine", 10,
            List.of(new Tier(1, 8640), new Tier(6, 12960), new Tier(30, 25920), new Tier(180, 2160),
                    new Tier(8640, 450)));

    /** Unknown when more than this share of a consolidated point's primary points is unknown (rrdtool's xff). */
    public static final double XFF = 0.5;

    /**
     * One tier.
     *
     * @param steps primary points per consolidated point
     * @param rows how many consolidated points are kept
     */
    public record Tier(int steps, int rows) {
        public Tier {
            if (steps <= 0 || rows <= 0) {
                throw new IllegalArgumentException("tier steps " + steps + " and rows " + rows + " must be positive");
            }
        }
    }

    public Archives {
        if (step <= 0) {
            throw new IllegalArgumentException("archives " + name + ": step " + step + " must be positive");
        }
        tiers = List.copyOf(tiers);
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException("archives " + name + ": at least one tier is needed");
        }
    }

    /** The preset with that name, case-insensitively; the message lists the known ones. */
    public static Archives named(String name) {
        for (Archives a : List.of(DEFAULT, MUNIN, FINE)) {
            if (a.name.equals(name.trim().toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("archives '" + name + "' is not one of default, munin, fine");
    }

    /**
     * Seconds without an update after which the values are unknown: four steps, so that a poll or two missed, and
     * the next one late, still leave every point known, as munin's rrdtool files do for munin's own polls
     * ({@code docs/decisions.md}, "Gaps"). An outage longer than this is a gap, the first point after it included.
     */
    public long heartbeat() {
        return 4 * step;
    }

    public long tierStep(Tier tier) {
        return tier.steps * step;
    }

    /** The newest consolidated point of a tier once the plugin was updated at {@code lastUpdate}. */
    public long tierEnd(Tier tier, long lastUpdate) {
        long s = tierStep(tier);
        return Math.floorDiv(lastUpdate, s) * s;
    }

    /** The moment before the oldest point a tier still keeps. */
    public long tierStart(Tier tier, long lastUpdate) {
        return tierEnd(tier, lastUpdate) - tier.rows * tierStep(tier);
    }

    /**
     * The tier that answers a query: among the tiers that still hold {@code from}, the coarsest whose step is at
     * most the wanted resolution (a resolution of 0 means the finest); when none holds {@code from}, the one that
     * reaches furthest back. {@code lastUpdate} 0 means no data yet.
     */
    public Tier choose(long from, long resolution, long lastUpdate) {
        Tier chosen = null;
        for (Tier t : tiers) {
            boolean holds = lastUpdate == 0 || tierStart(t, lastUpdate) <= from;
            if (!holds) {
                continue;
            }
            if (chosen == null || tierStep(t) <= resolution) {
                chosen = t;
            }
        }
        if (chosen != null) {
            return chosen;
        }
        Tier longest = tiers.get(0);
        for (Tier t : tiers) {
            if (tierStep(t) * t.rows > tierStep(longest) * longest.rows) {
                longest = t;
            }
        }
        return longest;
    }

    @Override
    public String toString() {
        return name;
    }
}
