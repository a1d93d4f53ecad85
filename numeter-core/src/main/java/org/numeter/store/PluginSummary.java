package org.numeter.store;

/**
 * A plugin as a host's list shows it.
 *
 * @param name the plugin name
 * @param title its graph title
 * @param category its munin category
 * @param lastUpdate its newest sample's epoch second (0 when it has none): where a host is held by two stores, the
 *     web takes each plugin from the one with the newer data
 */
public record PluginSummary(String name, String title, String category, long lastUpdate) {}
