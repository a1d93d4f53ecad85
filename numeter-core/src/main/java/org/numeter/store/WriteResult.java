package org.numeter.store;

/**
 * What a write did.
 *
 * @param batches batches stored
 * @param points values stored (unknowns included)
 * @param duplicates batches dropped because their plugin already had that moment: a replay
 * @param late batches dropped because their plugin already stored a later moment and never had this one (a clock
 *     that went back); see {@link RecentTimes}
 * @param future batches refused because their time is too far ahead of the store's clock
 *     ({@link org.numeter.time.TimePolicy})
 * @param rejected batches refused as invalid (the log says why)
 */
public record WriteResult(long batches, long points, long duplicates, long late, long future, long rejected) {
    public static final WriteResult NONE = new WriteResult(0, 0, 0, 0, 0, 0);

    public WriteResult plus(WriteResult other) {
        return new WriteResult(batches + other.batches, points + other.points, duplicates + other.duplicates,
                late + other.late, future + other.future, rejected + other.rejected);
    }
}
