package org.numeter.store;

/**
 * One plugin's points that come further apart than its file's heartbeat, which a file stores as unknown: counted
 * by the store, and after three in a row at one pace (within a tenth) the file's heartbeat is raised to two of that
 * interval, as munin's files have (step 300 s, heartbeat 600 s), up to a day. Three in a row, because an outage is
 * one long gap: pollers spool through it, and their points come back at their own times, close together. A poller
 * slower than the files' step (munin's 300 s against the default 60 s and its heartbeat of 240 s) is the case: it
 * stored nothing at all and said nothing. {@code docs/decisions.md}, "Points slower than the heartbeat raise it".
 * Not thread-safe: its plugin's lock guards it.
 */
public final class Pace {
    /** What {@link #next} answers for a point within the heartbeat. */
    public static final long WITHIN = 0;
    /** What {@link #next} answers for a point beyond it that raises nothing: stored as unknown. */
    public static final long APART = -1;
    /** The most a heartbeat is raised to. */
    public static final long MAX_HEARTBEAT = 86_400;
    private static final int IN_A_ROW = 3;

    private int inARow;
    private long lastGap;

    /**
     * For a point {@code gap} seconds after its plugin's last one, in a file whose heartbeat is {@code heartbeat}:
     * {@link #WITHIN}, {@link #APART}, or the heartbeat to raise the file's to before it stores this point.
     */
    public long next(long gap, long heartbeat) {
        if (gap <= heartbeat) {
            inARow = 0;
            return WITHIN;
        }
        boolean samePace = inARow > 0 && Math.abs(gap - lastGap) * 10 <= lastGap;
        inARow = samePace ? inARow + 1 : 1;
        lastGap = gap;
        if (inARow >= IN_A_ROW && 2 * gap <= MAX_HEARTBEAT) {
            inARow = 0;
            return 2 * gap;
        }
        return APART;
    }
}
