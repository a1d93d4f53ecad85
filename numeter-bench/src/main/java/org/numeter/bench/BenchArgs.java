package org.numeter.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --name value} options with defaults; an unknown name stops the run and lists the known ones. */
public final class BenchArgs {
    private final Map<String, String> values = new LinkedHashMap<>();

    /** @param defaults names and default values, alternately */
    public BenchArgs(String[] args, String... defaults) {
        for (int i = 0; i + 1 < defaults.length; i += 2) {
            values.put(defaults[i], defaults[i + 1]);
        }
        Map<String, String> known = new LinkedHashMap<>(values);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("argument '" + a + "' is not --name value");
            }
            String name = a.substring(2);
            if (!known.containsKey(name)) {
                throw new IllegalArgumentException("option '--" + name + "' is not one of " + known.keySet());
            }
            values.put(name, args[++i]);
        }
    }

    public String text(String name) {
        return values.get(name);
    }

    public int integer(String name) {
        try {
            return Integer.parseInt(values.get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " '" + values.get(name) + "' is not a whole number", e);
        }
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        values.forEach((k, v) -> out.append(" --").append(k).append(' ').append(v));
        return out.toString().trim();
    }
}
