package org.numeter.storage.munin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.numeter.model.Field;
import org.numeter.model.Names;
import org.numeter.model.Plugin;
import org.numeter.munin.MuninConfigParser;
import org.numeter.storage.FieldHistory;
import org.numeter.storage.RrdStore;

/**
 * Brings a munin master's history into a {@link RrdStore}: the plugins' configuration from munin's {@code datafile}
 * (parsed by {@link MuninConfigParser}, the poller's own parser, as if the node had answered {@code config}), and each field's
 * past from its RRD file, {@code <munin-dir>/<group>/<host>-<plugin>-<field>-<g|c|d|a>.rrd}. A bad line or an
 * unreadable file is reported to the {@link Progress} and counted; the rest goes on. See docs/decisions.md,
 * "Importing munin".
 */
public final class MuninImport {
    private final Path muninDir;
    private final PathMatcher hosts;
    private final Progress progress;

    private MuninImport(Builder b) {
        this.muninDir = b.muninDir;
        this.hosts = FileSystems.getDefault().getPathMatcher("glob:" + b.hostGlob);
        this.progress = b.progress;
    }

    public static Builder builder(Path muninDir) {
        return new Builder(muninDir);
    }

    /** Where munin keeps its data, then optional settings. */
    public static final class Builder {
        private final Path muninDir;
        private String hostGlob = "*";
        private Progress progress = Progress.QUIET;

        private Builder(Path muninDir) {
            this.muninDir = Objects.requireNonNull(muninDir, "muninDir");
        }

        /** Imports only the hosts whose name matches this glob ({@code *}, {@code ?}, {@code [ab]}, {@code {a,b}}). */
        public Builder hosts(String glob) {
            this.hostGlob = Objects.requireNonNull(glob, "glob");
            return this;
        }

        public Builder progress(Progress progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        public MuninImport build() {
            return new MuninImport(this);
        }
    }

    /** Told after each plugin, and of each thing that went wrong. */
    public interface Progress {
        void update(Counts counts, String host, String plugin);

        /** @param where the file, line, or host and plugin concerned */
        void problem(String where, String message);

        Progress QUIET = new Progress() {
            @Override
            public void update(Counts counts, String host, String plugin) {}

            @Override
            public void problem(String where, String message) {}
        };
    }

    /**
     * How far an import is.
     *
     * @param rows archive rows written (in a dry run: known values in the source files' finest archives)
     * @param failures bad datafile lines, unreadable or missing files, plugins the store refused
     */
    public record Counts(int hostsDone, int hosts, int pluginsDone, int plugins, int filesDone, int files, long rows,
                         int failures) {}

    /** Reads everything and writes it into {@code store}. */
    public Counts into(RrdStore store) throws IOException {
        return run(Objects.requireNonNull(store, "store"));
    }

    /** Reads everything, reports what is wrong, writes nothing. */
    public Counts dryRun() throws IOException {
        return run(null);
    }

    private Counts run(RrdStore store) throws IOException {
        Tally t = new Tally();
        Map<String, Map<String, Graph>> byHost = readDatafile(t);
        List<Map.Entry<String, List<Graph>>> work = new ArrayList<>();
        for (var h : byHost.entrySet()) {
            if (!hosts.matches(Path.of(h.getKey()))) {
                continue;
            }
            List<Graph> graphs = new ArrayList<>();
            for (Graph g : h.getValue().values()) {
                if (g.parse(t, progress)) {
                    graphs.add(g);
                    t.files += g.plugin.fields().size();
                }
            }
            work.add(Map.entry(h.getKey(), graphs));
            t.plugins += graphs.size();
        }
        t.hosts = work.size();
        for (var h : work) {
            String host = h.getKey();
            if (!legalHost(host)) {
                t.fail(progress, "host " + host, "not a legal host name, its " + h.getValue().size()
                        + " plugins are not imported");
            } else {
                for (Graph g : h.getValue()) {
                    importGraph(host, g, store, t);
                    t.pluginsDone++;
                    progress.update(t.counts(), host, g.plugin.name());
                }
            }
            t.hostsDone++;
            progress.update(t.counts(), host, null);
        }
        return t.counts();
    }

    private static boolean legalHost(String host) {
        try {
            Names.requireHost(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void importGraph(String host, Graph g, RrdStore store, Tally t) {
        Map<String, FieldHistory> history = new LinkedHashMap<>();
        long lastUpdate = 0;
        for (Field f : g.plugin.fields()) {
            Path file = muninDir.resolve(g.group).resolve(host + "-" + g.path.replace('.', '-') + "-"
                    + g.rawFields.getOrDefault(f.name(), f.name()) + "-"
                    + f.type().name().substring(0, 1).toLowerCase(Locale.ROOT) + ".rrd");
            try {
                if (!Files.isRegularFile(file)) {
                    throw new NoSuchFileException(file.toString());
                }
                MuninHistory h = MuninHistory.read(file);
                history.put(f.name(), h);
                lastUpdate = Math.max(lastUpdate, h.lastUpdate());
                if (store == null) {
                    t.rows += h.known();
                }
            } catch (NoSuchFileException e) {
                t.fail(progress, file.toString(), "no such file (munin keeps one per field)");
            } catch (IOException | RuntimeException e) {
                t.fail(progress, file.toString(), "unreadable: "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
            t.filesDone++;
        }
        if (store == null || history.isEmpty()) {
            return;
        }
        try {
            RrdStore.Imported done = store.importHistory(host, g.plugin, lastUpdate, history);
            t.rows += done.rows();
            if (!done.fieldsLeftOut().isEmpty()) {
                t.fail(progress, host + "/" + g.plugin.name(), "the stored file has no data source for "
                        + done.fieldsLeftOut() + ": their history is not imported");
            }
        } catch (IOException | RuntimeException e) {
            t.fail(progress, host + "/" + g.plugin.name(), "not written: " + e.getMessage());
        }
    }

    /** Groups datafile lines by host and plugin; {@code group;host:plugin[.child].(graph_key|field.key) value}. */
    private Map<String, Map<String, Graph>> readDatafile(Tally t) throws IOException {
        Path datafile = muninDir.resolve("datafile");
        List<String> lines = Files.readAllLines(datafile, StandardCharsets.UTF_8);
        Map<String, Map<String, Graph>> byHost = new LinkedHashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank() || n == 0 && line.startsWith("version ")) {
                continue;
            }
            int semi = line.indexOf(';');
            int colon = line.indexOf(':', semi + 1);
            int space = line.indexOf(' ', colon + 1);
            String[] parts = semi <= 0 || colon < 0 || space < 0 ? new String[0]
                    : line.substring(colon + 1, space).split("\\.", -1);
            if (parts.length < 2 || List.of(parts).contains("") || colon == semi + 1) {
                t.fail(progress, datafile + ":" + (n + 1), "'" + line + "' is not 'group;host:plugin.key value'");
                continue;
            }
            String attribute = parts[parts.length - 1];
            boolean graphKey = parts.length == 2 || attribute.startsWith("graph_")
                    && !attribute.equals("graph_data_size");
            int pathLength = graphKey ? parts.length - 1 : parts.length - 2;
            String path = String.join(".", List.of(parts).subList(0, pathLength));
            String key = String.join(".", List.of(parts).subList(pathLength, parts.length));
            String group = line.substring(0, semi);
            Graph g = byHost.computeIfAbsent(line.substring(semi + 1, colon), h -> new LinkedHashMap<>())
                    .computeIfAbsent(path, p -> new Graph(group, p));
            g.lines.add(key + " " + line.substring(space + 1));
            if (!graphKey) {
                String raw = parts[parts.length - 2];
                g.rawFields.putIfAbsent(Names.isField(raw) ? raw : Names.cleanField(raw), raw);
            }
        }
        return byHost;
    }

    /** One munin graph (a plugin, or a multigraph child) of one host, as the datafile describes it. */
    private static final class Graph {
        final String group;
        final String path;
        final List<String> lines = new ArrayList<>();
        /** Numeter field name to munin's, which names the file. */
        final Map<String, String> rawFields = new LinkedHashMap<>();
        Plugin plugin;

        Graph(String group, String path) {
            this.group = group;
            this.path = path;
        }

        /** False when the graph has no field (munin keeps nothing for it then). */
        boolean parse(Tally t, Progress progress) {
            Map<String, Plugin> parsed = MuninConfigParser.parse(path, lines,
                    (plugin, message) -> t.fail(progress, "datafile, plugin " + plugin, message));
            if (parsed.isEmpty()) {
                return false;
            }
            plugin = parsed.values().iterator().next();
            return true;
        }
    }

    /** The counts while they move. */
    private static final class Tally {
        int hostsDone;
        int hosts;
        int pluginsDone;
        int plugins;
        int filesDone;
        int files;
        long rows;
        int failures;

        void fail(Progress progress, String where, String message) {
            failures++;
            progress.problem(where, message);
        }

        Counts counts() {
            return new Counts(hostsDone, hosts, pluginsDone, plugins, filesDone, files, rows, failures);
        }
    }
}
