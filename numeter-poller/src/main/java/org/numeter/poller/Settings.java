package org.numeter.poller;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a provider's string settings, rejecting unknown keys and bad values with a message that names them. */
public final class Settings {
    private final String source;
    private final Map<String, String> values;

    private Settings(String source, Map<String, String> values) {
        this.source = source;
        this.values = Map.copyOf(values);
    }

    /** Checks that every key is one of {@code known}. */
    public static Settings of(String source, Map<String, String> values, String... known) {
        Set<String> unknown = new LinkedHashSet<>(values.keySet());
        unknown.removeAll(List.of(known));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("source " + source + ": unknown setting(s) " + unknown
                    + "; known: " + List.of(known));
        }
        return new Settings(source, values);
    }

    public String text(String key, String otherwise) {
        String v = values.get(key);
        return v == null || v.isBlank() ? otherwise : v.trim();
    }

    public String required(String key) {
        String v = text(key, null);
        if (v == null) {
            throw new IllegalArgumentException("source " + source + ": setting '" + key + "' is required");
        }
        return v;
    }

    /** A duration in seconds ({@code 10}) or with a unit ({@code 500ms}, {@code 10s}, {@code 2m}). */
    public Duration duration(String key, Duration otherwise) {
        String v = text(key, null);
        if (v == null) {
            return otherwise;
        }
        try {
            Duration d;
            if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            } else {
                d = Duration.ofSeconds(Long.parseLong(v));
            }
            if (d.isNegative() || d.isZero()) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("source " + source + ": setting '" + key + "' was '" + v
                    + "' but must be a positive duration such as 10s, 500ms or 2m", e);
        }
    }

    /** A duration as {@link #duration}, or null when the key is not set. */
    public Duration durationOrNull(String key) {
        return text(key, null) == null ? null : duration(key, null);
    }

    /** A whole number from {@code min} to {@code max}. */
    public int integer(String key, int otherwise, int min, int max) {
        String v = text(key, null);
        if (v == null) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("source " + source + ": setting '" + key + "' was '" + v
                + "' but must be a whole number from " + min + " to " + max);
    }

    /** A comma-separated list, blanks removed. */
    public List<String> list(String key) {
        String v = text(key, null);
        if (v == null) {
            return List.of();
        }
        return List.of(v.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
