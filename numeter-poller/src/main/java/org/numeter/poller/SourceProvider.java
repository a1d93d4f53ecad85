package org.numeter.poller;

import java.util.Map;

/**
 * Makes a {@link Source} from its settings; found by {@link #name()} through {@link java.util.ServiceLoader}, so a
 * new source is one jar on the class path. Settings are plain strings the launcher passes through; a provider
 * rejects unknown or bad ones with a message that names them.
 */
public interface SourceProvider {

    /** The name configurations choose it by, e.g. {@code system}. */
    String name();

    /** Builds the source without I/O: files and connections are opened on the first collection. */
    Source create(Map<String, String> settings);
}
