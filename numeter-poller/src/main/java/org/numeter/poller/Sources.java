package org.numeter.poller;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds sources by name among the {@link SourceProvider}s on the class path. */
public final class Sources {
    private Sources() {}

    /** Every known provider by name, sorted. */
    public static Map<String, SourceProvider> providers() {
        Map<String, SourceProvider> out = new TreeMap<>();
        for (SourceProvider p : ServiceLoader.load(SourceProvider.class, Sources.class.getClassLoader())) {
            out.putIfAbsent(p.name(), p);
        }
        return out;
    }

    /** The names configurations may use. */
    public static List<String> names() {
        return List.copyOf(providers().keySet());
    }

    /**
     * Creates the source called {@code name}; an unknown name fails at once and lists the known ones.
     *
     * @throws IllegalArgumentException for an unknown name or bad settings
     */
    public static Source create(String name, Map<String, String> settings) {
        SourceProvider provider = providers().get(name);
        if (provider == null) {
            throw new IllegalArgumentException("source '" + name + "' is unknown; known sources: "
                    + String.join(", ", names()));
        }
        return provider.create(settings);
    }
}
