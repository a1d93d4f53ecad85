package org.numeter.store;

/**
 * A plugin as a host's list shows it.
 *
 * @param name the plugin name
 * @param title its graph title
 * @param category its munin category
 */
public record PluginSummary(String name, String title, String category) {}
