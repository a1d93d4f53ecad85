package org.numeter.poller;

import org.numeter.munin.Problems;

/**
 * One collection of one source.
 *
 * @param host the host id batches are for, unless the source knows better (a munin-node serving another host)
 * @param timestamp epoch seconds, aligned to the source's interval, for values that carry no time of their own
 * @param problems where single bad plugins and lines are reported, so that the rest still arrives
 */
public record Cycle(String host, long timestamp, Problems problems) {}
