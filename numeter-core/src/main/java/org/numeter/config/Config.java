package org.numeter.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one configuration loader. A value comes from, in order of precedence: an explicit override (a command-line
 * option), the key's environment variable, the configuration file ({@code key = value} lines, {@code #}
 * comments), then the key's default. Unknown keys in the file and values that do not parse are all collected and
 * reported together in one {@link ConfigException}, so start-up stops once with the whole list.
 */
public final class Config {
    /** Every environment variable of a key starts with this; others starting with it are errors. */
    public static final String ENV_PREFIX = "NUMETER_";
    private final Map<String, Object> values;
    private final Map<String, String> sources;

    private Config(Map<String, Object> values, Map<String, String> sources) {
        this.values = values;
        this.sources = sources;
    }

    /** Loads with no file and no environment: defaults and overrides only (tests, embedded use). */
    public static Config of(Collection<? extends ConfigKey<?>> keys, Map<String, String> overrides) {
        return load(keys, null, Map.of(), overrides);
    }

    public static Config load(
            Collection<? extends ConfigKey<?>> keys, Path file, Map<String, String> env, Map<String, String> overrides) {
        return load(keys, file, env, overrides, Set.of());
    }

    /**
     * Loads as {@link #load(Collection, Path, Map, Map)}; a {@code NUMETER_*} environment variable that is neither
     * one of {@code keys}' nor in {@code otherVariables} (the launcher's own, other roles' keys; an entry ending in
     * {@code *} is a prefix) stops start-up like an unknown key in the file: a misspelt variable would otherwise be
     * ignored in silence.
     */
    public static Config load(Collection<? extends ConfigKey<?>> keys, Path file, Map<String, String> env,
            Map<String, String> overrides, Set<String> otherVariables) {
        Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
        for (ConfigKey<?> k : keys) {
            if (byName.put(k.name(), k) != null) {
                throw new IllegalArgumentException("configuration key " + k.name() + " is declared twice");
            }
        }
        List<String> problems = new ArrayList<>();
        Map<String, String> fromFile = file == null ? Map.of() : readFile(file, byName, problems);
        Set<String> variables = new TreeSet<>();
        byName.values().forEach(k -> variables.add(k.env()));
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith(ENV_PREFIX) && !variables.contains(name) && !known(name, otherVariables)) {
                problems.add("environment variable " + name + " is not a known key"
                        + suggestion(name, variables).replace("did you mean '", "did you mean ").replace("'?", "?"));
            }
        }
        for (String name : overrides.keySet()) {
            if (!byName.containsKey(name)) {
                problems.add("option " + name + " is not a known key");
            }
        }
        Map<String, Object> values = new HashMap<>();
        Map<String, String> sources = new HashMap<>();
        for (ConfigKey<?> key : byName.values()) {
            String text;
            String source;
            if (overrides.containsKey(key.name())) {
                text = overrides.get(key.name());
                source = "option " + key.name();
            } else if (env.containsKey(key.env())) {
                text = env.get(key.env());
                source = "environment variable " + key.env();
            } else if (fromFile.containsKey(key.name())) {
                text = fromFile.get(key.name());
                source = file + ": " + key.name();
            } else {
                text = key.defaultText();
                source = "default of " + key.name();
            }
            sources.put(key.name(), source);
            if (text == null) {
                continue;
            }
            try {
                values.put(key.name(), key.parse(text));
            } catch (IllegalArgumentException e) {
                String shown = key.secret() ? "(secret)" : "'" + text + "'";
                problems.add(source + " was " + shown + " but " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new Config(values, sources);
    }

    /** Whether {@code name} is one of {@code others}, where {@code NUMETER_TEST_*} stands for every name so begun. */
    private static boolean known(String name, Set<String> others) {
        for (String o : others) {
            if (o.endsWith("*") ? name.startsWith(o.substring(0, o.length() - 1)) : name.equals(o)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> readFile(Path file, Map<String, ConfigKey<?>> known, List<String> problems) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add("configuration file " + file + " cannot be read: " + e);
            return Map.of();
        } catch (UncheckedIOException e) {
            problems.add("configuration file " + file + " is not UTF-8 text");
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String where = file + " line " + (i + 1);
            if (eq <= 0) {
                problems.add(where + ": '" + line + "' is not of the form key = value");
                continue;
            }
            String name = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (!known.containsKey(name)) {
                problems.add(where + ": unknown key '" + name + "'" + suggestion(name, known.keySet()));
            } else if (out.put(name, value) != null) {
                problems.add(where + ": key '" + name + "' is set twice");
            }
        }
        return out;
    }

    private static String suggestion(String name, Collection<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            int d = distance(name, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The value of a key that has a default (or was set); fails for an unset key with no default. */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        Object v = values.get(key.name());
        if (v == null) {
            throw new IllegalStateException("configuration key " + key.name() + " has no value and no default");
        }
        return (T) v;
    }

    @SuppressWarnings("unchecked")
    public <T> Optional<T> find(ConfigKey<T> key) {
        return Optional.ofNullable((T) values.get(key.name()));
    }

    /** Where a key's value came from, for start-up logs ("environment variable NUMETER_POLLER_INTERVAL"). */
    public String source(ConfigKey<?> key) {
        return sources.getOrDefault(key.name(), "unknown key " + key.name());
    }
}
