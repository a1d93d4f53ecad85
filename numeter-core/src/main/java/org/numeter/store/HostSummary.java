package org.numeter.store;

/**
 * A host a store knows.
 *
 * @param id the host id
 * @param plugins how many plugins it has
 * @param lastUpdate the newest sample's epoch second
 * @param late points of this host dropped as older than what their plugin stored, since the store opened
 * @param future points of this host refused as too far ahead of the store's clock, since the store opened
 * @param apart points of this host further from their plugin's last one than its file's heartbeat, stored as
 *     unknown, since the store opened (pollers slower than the files' step)
 */
public record HostSummary(String id, int plugins, long lastUpdate, long late, long future, long apart) {

    /** A host without time faults. */
    public HostSummary(String id, int plugins, long lastUpdate) {
        this(id, plugins, lastUpdate, 0, 0, 0);
    }
}
