package org.numeter.spool;

/**
 * What a spool holds and what it has lost.
 *
 * @param records records appended and not yet acknowledged
 * @param bytes bytes they take (on disk, or in memory)
 * @param oldestAppendedAtMillis when the oldest unacknowledged record was appended, or 0 when empty
 * @param lastSequence the sequence of the last record appended, 0 when none ever was
 * @param dropped records dropped because the spool was full, since it was created
 * @param corrupt records found corrupt or torn (and cut off) when the spool was opened, since it was created
 */
public record SpoolStats(
        long records, long bytes, long oldestAppendedAtMillis, long lastSequence, long dropped, long corrupt) {

    /** Age of the oldest record at {@code nowMillis}, in milliseconds, 0 when empty. */
    public long oldestAgeMillis(long nowMillis) {
        return oldestAppendedAtMillis == 0 ? 0 : Math.max(0, nowMillis - oldestAppendedAtMillis);
    }
}
