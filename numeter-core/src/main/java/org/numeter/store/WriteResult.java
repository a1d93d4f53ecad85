package org.numeter.store;

/**
 * What a write did.
 *
 * @param batches batches stored
 * @param points values stored (unknowns included)
 * @param duplicates batches dropped because their plugin already had that moment or a later one
 * @param rejected batches refused as invalid (the log says why)
 */
public record WriteResult(long batches, long points, long duplicates, long rejected) {
    public static final WriteResult NONE = new WriteResult(0, 0, 0, 0);

    public WriteResult plus(WriteResult other) {
        return new WriteResult(batches + other.batches, points + other.points, duplicates + other.duplicates,
                rejected + other.rejected);
    }
}
