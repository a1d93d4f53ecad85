package org.numeter.store;

/**
 * The last points one plugin stored (their times and a hash of their values), so that a store can tell a replay
 * from a late point. Both are at or before the plugin's newest point and both are dropped (a round-robin file takes
 * no point in its past), but a replay ({@code duplicate}) is a point stored already, which at-least-once delivery
 * brings back after any failure, while a late point is one that never was: a clock that went back, which may stamp
 * new readings with moments already stored, hence the values.
 *
 * <p>It remembers the last {@value #CAPACITY} points only (an hour at a 60 s step, ten minutes at 10 s). A point
 * older than the oldest of them, or any point before this process stored one for the plugin, cannot be told apart
 * and counts as a replay: after a crash, the replayed page is what such points nearly always are. Not thread-safe:
 * the store guards it with its plugin's lock.
 */
public final class RecentTimes {
    /** How many points are remembered per plugin: 512 bytes at most. */
    public static final int CAPACITY = 64;

    private long base;
    /** Per point: its time minus {@code base} in the high 32 bits, the hash of its values in the low 32. */
    private long[] ring;
    private int size;
    private int next;

    /** Records a stored point; points come in increasing time order. */
    public void add(long timestamp, int valuesHash) {
        if (ring == null || timestamp - base > Integer.MAX_VALUE || timestamp < base) {
            ring = new long[4];
            base = timestamp;
            size = 0;
            next = 0;
        } else if (size == ring.length && ring.length < CAPACITY) {
            long[] bigger = new long[Math.min(CAPACITY, ring.length * 2)];
            for (int i = 0; i < size; i++) {
                bigger[i] = ring[(next + i) % size];
            }
            ring = bigger;
            next = size;
        }
        ring[next] = (timestamp - base) << 32 | (valuesHash & 0xffffffffL);
        next = (next + 1) % ring.length;
        if (size < ring.length) {
            size++;
        }
    }

    /**
     * Whether a point at {@code timestamp} with these values, at or before the plugin's newest stored point, is a
     * replay (this very point was stored, or it is older than what is remembered) rather than late (it never was).
     */
    public boolean isReplay(long timestamp, int valuesHash) {
        if (size == 0) {
            return true;
        }
        long oldest = base + (ring[(next - size + ring.length) % ring.length] >>> 32);
        if (timestamp < oldest) {
            return true;
        }
        for (int i = 0; i < size; i++) {
            if (base + (ring[i] >>> 32) == timestamp) {
                return (int) ring[i] == valuesHash;
            }
        }
        return false;
    }
}
