package org.numeter.poller.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * munin-node's plugin configuration ({@code /etc/munin/plugin-conf.d}), read as munin-node reads it: every file of
 * the folder in name order (hidden ones and names with odd characters skipped), {@code [plugin]} sections of
 * {@code user}, {@code group}, {@code timeout}, {@code env.NAME value} (and {@code command}, {@code host_name},
 * {@code update_rate}, accepted and not used), {@code #} comments. A later file overrides an earlier one key by key.
 * Wildcard sections ({@code [if_*]}, {@code [*_cpu]}, {@code [*]}) fill in what a plugin's own section leaves out;
 * among wildcards the one sorting last wins ({@code [if_eth*]} over {@code [if_*]} over {@code [*]}), each
 * environment variable on its own. A bad line stops the rest of its file, as in munin-node, and is reported with
 * the file and the line.
 */
public final class PluginConf {
    private static final Pattern SECTION = Pattern.compile("\\s*\\[([^\\]]+)]\\s*");
    private static final Pattern LINE = Pattern.compile("\\s*([\\w.]+)\\s+(.+)");
    private static final Pattern FILE_NAME = Pattern.compile("[-\\w.:]+");

    /**
     * What applies to one plugin.
     *
     * @param user the user to run it as, or null for the poller's
     * @param groups the groups to run it with, the first the primary one; a name in parentheses is optional
     * @param timeout its own timeout, or null for the source's
     * @param env environment variables
     */
    public record Settings(String user, List<String> groups, Duration timeout, Map<String, String> env) {
        static final Settings NONE = new Settings(null, List.of(), null, Map.of());
    }

    private static final class Section {
        final Map<String, String> keys = new LinkedHashMap<>();
        final Map<String, String> env = new LinkedHashMap<>();
    }

    private final Map<String, Section> sections;
    private final List<String> problems;

    private PluginConf(Map<String, Section> sections, List<String> problems) {
        this.sections = sections;
        this.problems = List.copyOf(problems);
    }

    /** No configuration: every plugin gets {@link Settings#NONE}. */
    public static PluginConf empty() {
        return new PluginConf(Map.of(), List.of());
    }

    /** Reads the folder; a folder that does not exist is an empty configuration. */
    public static PluginConf read(Path dir) throws IOException {
        Map<String, Section> sections = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return new PluginConf(sections, problems);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> FILE_NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        for (Path file : files) {
            parse(file, Files.readAllLines(file, StandardCharsets.ISO_8859_1), sections, problems);
        }
        return new PluginConf(sections, problems);
    }

    static PluginConf parse(String name, List<String> lines) {
        Map<String, Section> sections = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        parse(Path.of(name), lines, sections, problems);
        return new PluginConf(sections, problems);
    }

    private static void parse(Path file, List<String> lines, Map<String, Section> sections, List<String> problems) {
        Section current = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = file + " line " + (i + 1) + " '" + lines.get(i).strip() + "'";
            Matcher section = SECTION.matcher(line);
            if (section.matches()) {
                current = sections.computeIfAbsent(section.group(1), s -> new Section());
                continue;
            }
            if (current == null) {
                problems.add(where + ": a setting before any [plugin] section; the rest of the file is skipped");
                return;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                problems.add(where + ": not 'key value'; the rest of the file is skipped");
                return;
            }
            String key = m.group(1);
            String value = m.group(2).strip();
            if (key.startsWith("env.") && key.length() > 4) {
                current.env.put(key.substring(4), value);
            } else if (List.of("user", "group", "timeout", "command", "host_name", "update_rate").contains(key)) {
                if (key.equals("timeout") && !value.matches("\\d+(\\.\\d+)?")) {
                    problems.add(where + ": timeout '" + value + "' is not a number of seconds; the rest of the"
                            + " file is skipped");
                    return;
                }
                current.keys.put(key, value);
            } else {
                problems.add(where + ": unknown key '" + key + "' (should it have been 'env." + key + "'?); the rest"
                        + " of the file is skipped");
                return;
            }
        }
    }

    /** Lines that could not be read, each with its file and line. */
    public List<String> problems() {
        return problems;
    }

    /** What applies to {@code plugin}: its own section, then the wildcards that match it. */
    public Settings forPlugin(String plugin) {
        Map<String, String> keys = new LinkedHashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        Section own = sections.get(plugin);
        if (own != null) {
            keys.putAll(own.keys);
            env.putAll(own.env);
        }
        List<String> wildcards = new ArrayList<>(sections.keySet().stream()
                .filter(s -> s.endsWith("*") || s.startsWith("*")).sorted(Comparator.reverseOrder()).toList());
        for (String w : wildcards) {
            boolean matches = w.endsWith("*") ? plugin.startsWith(w.substring(0, w.length() - 1))
                    : plugin.endsWith(w.substring(1));
            if (!matches || w.equals(plugin)) {
                continue;
            }
            Section s = sections.get(w);
            s.keys.forEach(keys::putIfAbsent);
            s.env.forEach(env::putIfAbsent);
        }
        if (keys.isEmpty() && env.isEmpty()) {
            return Settings.NONE;
        }
        String timeout = keys.get("timeout");
        String group = keys.get("group");
        return new Settings(keys.get("user"),
                group == null ? List.of() : List.of(group.strip().split("[\\s,]+")),
                timeout == null ? null : Duration.ofMillis(Math.round(Double.parseDouble(timeout) * 1000)),
                Map.copyOf(env));
    }
}
