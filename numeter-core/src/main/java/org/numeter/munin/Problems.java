package org.numeter.munin;

/** Receives what went wrong with one plugin or one line, while the rest of a cycle carries on. */
@FunctionalInterface
public interface Problems {

    /**
     * @param plugin the plugin concerned, or the source's name when no plugin is
     * @param message what was wrong, quoting the line or value
     */
    void report(String plugin, String message);

    /** Ignores everything; for callers that only want the samples. */
    Problems IGNORE = (plugin, message) -> {};
}
