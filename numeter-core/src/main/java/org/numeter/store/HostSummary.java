package org.numeter.store;

/**
 * A host a store knows.
 *
 * @param id the host id
 * @param plugins how many plugins it has
 * @param lastUpdate the newest sample's epoch second
 */
public record HostSummary(String id, int plugins, long lastUpdate) {}
