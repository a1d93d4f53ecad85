package org.numeter.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A systemd unit file read the way the package tests need it: {@code [Section]}s of {@code Key=value} lines, a key
 * possibly repeated ({@code Environment=}), {@code #} and {@code ;} comments. Quoting and specifiers are not
 * interpreted: the packaged units use neither, and {@link #execStart()} refuses a quote rather than misread it.
 */
record SystemdUnit(Path file, Map<String, Map<String, List<String>>> sections) {

    static SystemdUnit read(Path file) throws IOException {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> current = null;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1), s -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (current == null || eq <= 0) {
                throw new IllegalArgumentException(file + ": '" + raw + "' is neither a section nor Key=value");
            }
            current.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
                    .add(line.substring(eq + 1).strip());
        }
        return new SystemdUnit(file, sections);
    }

    /** Every value of a key in a section, in file order; empty when absent. */
    List<String> all(String section, String key) {
        return sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
    }

    /** The one value of a key in {@code [Service]}; fails when it is absent or set more than once. */
    String service(String key) {
        List<String> values = all("Service", key);
        if (values.size() != 1) {
            throw new AssertionError(file + ": [Service] " + key + " is set " + values.size() + " times: " + values);
        }
        return values.get(0);
    }

    /** ExecStart split into words (no prefix characters such as '-' or '+', no quotes in the packaged units). */
    List<String> execStart() {
        String command = service("ExecStart");
        if (command.contains("\"") || command.contains("'") || "-+!@:".indexOf(command.charAt(0)) >= 0) {
            throw new AssertionError(file + ": ExecStart '" + command + "' uses quotes or prefixes this reader"
                    + " does not interpret");
        }
        return List.of(command.split("\\s+"));
    }

    /**
     * The variables the unit sets: its {@code EnvironmentFile=}s (a leading '-' marks one that may be missing) read
     * as systemd reads them, then its {@code Environment=} assignments, which win.
     */
    Map<String, String> environment() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : all("Service", "EnvironmentFile")) {
            boolean optional = name.startsWith("-");
            Path envFile = Path.of(optional ? name.substring(1) : name);
            if (!Files.exists(envFile) && optional) {
                continue;
            }
            for (String line : Files.readAllLines(envFile, StandardCharsets.UTF_8)) {
                String l = line.strip();
                int eq = l.indexOf('=');
                if (!l.isEmpty() && !l.startsWith("#") && !l.startsWith(";") && eq > 0) {
                    env.put(l.substring(0, eq).strip(), unquote(l.substring(eq + 1).strip()));
                }
            }
        }
        for (String assignments : all("Service", "Environment")) {
            for (String a : assignments.split("\\s+")) {
                int eq = a.indexOf('=');
                if (eq > 0) {
                    env.put(a.substring(0, eq), a.substring(eq + 1));
                }
            }
        }
        return env;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
