package org.numeter.web.internal;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.numeter.codec.BatchCodec;
import org.numeter.model.Plugin;
import org.numeter.store.PluginSummary;
import org.numeter.store.QueryLimits;

/**
 * The hosts a user may see, their plugins, graphs, data and PNGs. Every route that names a host goes through
 * {@link #host}, which is where {@link Access} decides; nothing here reaches a storage for an unchecked host.
 */
public final class HostApi {

    /** A route below {@code /api/hosts/{host}}, called only for a host the user may see. */
    @FunctionalInterface
    interface HostHandler {
        void handle(Context ctx, User user, String host) throws IOException;
    }

    private final Access access;
    private final Storages storages;
    private final HostRepository hosts;
    private final Clock clock;

    public HostApi(Access access, Storages storages, HostRepository hosts, Clock clock) {
        this.access = access;
        this.storages = storages;
        this.hosts = hosts;
        this.clock = clock;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/hosts", this::list);
        routes.get("/api/tree", this::tree);
        routes.get("/api/hosts/{host}", host(this::hostDetail));
        routes.get("/api/hosts/{host}/plugins/{plugin}", host(this::plugin));
        routes.get("/api/hosts/{host}/plugins/{plugin}/data", host(this::data));
        routes.get("/api/hosts/{host}/plugins/{plugin}/graph.png", host(this::png));
        routes.get("/api/search", this::search);
    }

    static final int MAX_SEARCH_RESULTS = 100;
    private static final long META_TTL_MS = 60_000;

    /** Plugin metadata the search read, by {@code host/plugin}, kept a minute: a search reads every plugin's. */
    private final Map<String, Map.Entry<Long, Plugin>> searchMetas = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * One graph the search found: a plugin of a host the caller may see, with the fields that matched (empty when
     * the host or the plugin itself matched).
     */
    record Found(String host, String plugin, String title, String category, List<Map<String, String>> fields) {}

    /**
     * {@code q}: a part of a host id, plugin name or title, field name or label (case-insensitive), or a pattern
     * with {@code *} and {@code ?} ({@code if_*}); at most {@value #MAX_SEARCH_RESULTS} graphs.
     */
    private void search(Context ctx) throws IOException {
        User user = Auth.user(ctx);
        String q = query(ctx);
        if (q.isEmpty()) {
            throw HttpProblem.badRequest("q '' is empty: give a part of a host, plugin or field name or label");
        }
        if (q.chars().filter(c -> c == '*' || c == '?').count() > 4) {
            // a pattern of many stars backtracks for long: a few are all a search needs
            throw HttpProblem.badRequest("q '" + Input.quote(q) + "' has more than 4 '*' or '?'");
        }
        java.util.regex.Pattern glob = HostRegistry.glob(q);
        java.util.function.Predicate<String> matches = q.contains("*") || q.contains("?")
                ? text -> text != null && glob.matcher(text.toLowerCase(Locale.ROOT)).matches()
                : text -> text != null && text.toLowerCase(Locale.ROOT).contains(q);
        List<Found> out = new ArrayList<>();
        for (String host : access.visibleHosts(user)) {
            if (out.size() >= MAX_SEARCH_RESULTS) {
                break;
            }
            List<PluginSummary> plugins;
            try {
                plugins = storages.plugins(host).orElse(List.of());
            } catch (StorageClient.StorageDownException e) {
                continue;
            }
            boolean hostMatches = matches.test(host);
            for (PluginSummary p : plugins) {
                if (out.size() >= MAX_SEARCH_RESULTS) {
                    break;
                }
                List<Map<String, String>> fields = new ArrayList<>();
                Plugin meta = searchMeta(host, p.name());
                if (meta != null) {
                    for (var f : meta.fields()) {
                        if (matches.test(f.name()) || matches.test(f.label())) {
                            fields.add(Map.of("name", f.name(), "label", f.label() == null ? f.name() : f.label()));
                        }
                    }
                }
                if (hostMatches || matches.test(p.name()) || matches.test(p.title()) || !fields.isEmpty()) {
                    out.add(new Found(host, p.name(), p.title(), p.category(), fields));
                }
            }
        }
        ctx.json(out);
    }

    private Plugin searchMeta(String host, String plugin) {
        String key = host + "/" + plugin;
        long now = clock.millis();
        Map.Entry<Long, Plugin> kept = searchMetas.get(key);
        if (kept != null && now - kept.getKey() < META_TTL_MS) {
            return kept.getValue();
        }
        try {
            Plugin meta = storage(host, plugin).plugin(host, plugin).orElse(null);
            if (meta != null) {
                searchMetas.put(key, Map.entry(now, meta));
            }
            return meta;
        } catch (IOException | HttpProblem e) {
            return null;
        }
    }

    /** The one gate of every host route. */
    io.javalin.http.Handler host(HostHandler handler) {
        return ctx -> {
            User user = Auth.user(ctx);
            String host = access.requireHost(user, ctx.pathParam("host"));
            handler.handle(ctx, user, host);
        };
    }

    /**
     * A host in the list and the tree.
     *
     * @param stale whether its storage reports no update for its threshold
     * @param storages the storages holding it, shown to superusers when there are several (null otherwise)
     */
    record HostRow(String id, boolean available, int plugins, long lastUpdate, boolean stale, List<String> groups,
            List<String> storages) {
        static HostRow of(String id, Storages.Located l, List<String> groups, User user) {
            return new HostRow(id, l != null, l == null ? 0 : l.summary().plugins(),
                    l == null ? 0 : l.summary().lastUpdate(), l != null && l.stale(), groups,
                    l != null && l.merged() && user.superuser() ? uris(l) : null);
        }
    }

    private static List<String> uris(Storages.Located l) {
        return l.storageUris().stream().map(Object::toString).toList();
    }

    private void list(Context ctx) {
        User user = Auth.user(ctx);
        String q = query(ctx);
        Storages.Snapshot snap = storages.snapshot();
        Map<String, List<String>> assigned = hosts.assignments();
        List<HostRow> rows = new ArrayList<>();
        for (String id : access.visibleHosts(user)) {
            if (!q.isEmpty() && !id.toLowerCase(Locale.ROOT).contains(q)) {
                continue;
            }
            rows.add(HostRow.of(id, snap.hosts().get(id), assigned.getOrDefault(id, List.of()), user));
        }
        ctx.json(rows);
    }

    record TreeGroup(String name, List<HostRow> hosts) {}

    /** Groups, then hosts: the superuser also sees the hosts in no group, under {@code unassigned}. */
    private void tree(Context ctx) {
        User user = Auth.user(ctx);
        String q = query(ctx);
        Storages.Snapshot snap = storages.snapshot();
        Map<String, List<String>> assigned = hosts.assignments();
        Map<String, List<HostRow>> byGroup = new TreeMap<>();
        List<HostRow> unassigned = new ArrayList<>();
        List<String> mine = user.superuser() ? null
                : hosts.groupsOfUser(user.id());
        for (String id : access.visibleHosts(user)) {
            if (!q.isEmpty() && !id.toLowerCase(Locale.ROOT).contains(q)) {
                continue;
            }
            List<String> groups = assigned.getOrDefault(id, List.of());
            HostRow row = HostRow.of(id, snap.hosts().get(id), groups, user);
            if (groups.isEmpty()) {
                unassigned.add(row);
            }
            for (String g : groups) {
                if (mine == null || mine.contains(g)) {
                    byGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(row);
                }
            }
        }
        List<TreeGroup> out = new ArrayList<>();
        byGroup.forEach((g, list) -> out.add(new TreeGroup(g, list)));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("groups", out);
        answer.put("unassigned", unassigned);
        ctx.json(answer);
    }

    record Category(String name, List<PluginSummary> plugins) {}

    private void hostDetail(Context ctx, User user, String host) throws IOException {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", host);
        answer.put("groups", hosts.groupsOf(host).stream().map(Group::name).toList());
        answer.put("firstSeen", hosts.firstSeen(host).map(ms -> ms / 1000).orElse(0L));
        Storages.Located located = storages.located(host).orElse(null);
        List<Category> categories = new ArrayList<>();
        boolean available = located != null;
        answer.put("lastUpdate", located == null ? 0 : located.summary().lastUpdate());
        answer.put("stale", located != null && located.stale());
        if (located != null && located.merged() && user.superuser()) {
            answer.put("storages", uris(located));
        }
        if (located != null) {
            try {
                Map<String, List<PluginSummary>> byCategory = new TreeMap<>();
                for (PluginSummary p : storages.plugins(host).orElse(List.of())) {
                    byCategory.computeIfAbsent(p.category(), k -> new ArrayList<>()).add(p);
                }
                byCategory.forEach((c, list) -> {
                    list.sort((a, b) -> a.name().compareTo(b.name()));
                    categories.add(new Category(c, list));
                });
            } catch (StorageClient.StorageDownException e) {
                available = false;
            }
        }
        answer.put("available", available);
        // points the storage refused (a clock ahead) or dropped (older than what it holds), since it started
        answer.put("future", located == null ? 0 : located.summary().future());
        answer.put("late", located == null ? 0 : located.summary().late());
        // points stored as unknown, further from their plugin's last one than its file's heartbeat
        answer.put("apart", located == null ? 0 : located.summary().apart());
        answer.put("categories", categories);
        ctx.json(answer);
    }

    private void plugin(Context ctx, User user, String host) throws IOException {
        Plugin meta = meta(host, Input.plugin(ctx.pathParam("plugin")));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("host", host);
        answer.put("plugin", meta.name());
        answer.put("meta", BatchCodec.tree(meta));
        answer.put("graph", GraphSpec.of(meta));
        ctx.json(answer);
    }

    private void data(Context ctx, User user, String host) throws IOException {
        String pluginName = Input.plugin(ctx.pathParam("plugin"));
        long[] range = range(ctx);
        int points = (int) Input.longParam(ctx, "points", 800, 1, 5000);
        Plugin meta = meta(host, pluginName);
        GraphSpec spec = GraphSpec.of(meta);
        StorageClient.Data data = storage(host, pluginName).data(host, pluginName, range[0], range[1], points,
                        SeriesAnswer.fieldsToFetch(meta, spec))
                .orElseThrow(() -> HttpProblem.notFound("plugin '" + pluginName + "' of host '" + host
                        + "' is unknown"));
        ctx.json(SeriesAnswer.of(host, meta, spec, data));
    }

    /** The graph as the page draws it (GraphPng), for the asked range and size, without the hidden series. */
    private void png(Context ctx, User user, String host) throws IOException {
        String pluginName = Input.plugin(ctx.pathParam("plugin"));
        long[] range = range(ctx);
        int[] size = pngSize(ctx);
        Plugin meta = meta(host, pluginName);
        GraphSpec spec = GraphSpec.of(meta);
        StorageClient.Data data = storage(host, pluginName).data(host, pluginName, range[0], range[1], size[0],
                        SeriesAnswer.fieldsToFetch(meta, spec))
                .orElseThrow(() -> HttpProblem.notFound("plugin '" + pluginName + "' of host '" + host
                        + "' is unknown"));
        SeriesAnswer answer = SeriesAnswer.of(host, meta, spec, data);
        sendPng(ctx, new GraphPng.Picture(host + ": " + spec.title(), spec, range[0], range[1], answer.step(),
                answer.points(), hidden(ctx, spec), size[0], size[1], zone(ctx)));
    }

    /** {@code width} and {@code height} of a PNG, in pixels. */
    static int[] pngSize(Context ctx) {
        return new int[] {(int) Input.longParam(ctx, "width", 800, QueryLimits.MIN_WIDTH, QueryLimits.MAX_WIDTH),
            (int) Input.longParam(ctx, "height", 300, QueryLimits.MIN_HEIGHT, 2000)};
    }

    static void sendPng(Context ctx, GraphPng.Picture picture) throws IOException {
        ctx.contentType("image/png");
        ctx.header("Cache-Control", "private, max-age=60");
        ctx.result(GraphPng.render(picture));
    }

    /** {@code hidden}: the indices of the series the user hid on the page, comma-separated. */
    static java.util.Set<Integer> hidden(Context ctx, GraphSpec spec) {
        String list = ctx.queryParam("hidden");
        java.util.Set<Integer> out = new java.util.TreeSet<>();
        if (list == null || list.isBlank()) {
            return out;
        }
        for (String part : list.split(",", -1)) {
            try {
                int i = Integer.parseInt(part.trim());
                if (i < 0 || i >= spec.series().size()) {
                    throw new NumberFormatException();
                }
                out.add(i);
            } catch (NumberFormatException e) {
                throw HttpProblem.badRequest("hidden '" + Input.quote(list) + "': '" + Input.quote(part)
                        + "' is not a series index from 0 to " + (spec.series().size() - 1));
            }
        }
        return out;
    }

    /** {@code tz}: the time zone of the axis and the legend, UTC unless the user chose another. */
    static java.time.ZoneId zone(Context ctx) {
        String tz = ctx.queryParam("tz");
        if (tz == null || tz.isBlank() || tz.equals("UTC")) {
            return java.time.ZoneOffset.UTC;
        }
        try {
            if (tz.length() > 64) {
                throw new java.time.DateTimeException("too long");
            }
            return java.time.ZoneId.of(tz);
        } catch (java.time.DateTimeException e) {
            throw HttpProblem.badRequest("tz '" + Input.quote(tz) + "' is not a time zone (e.g. UTC, Europe/Paris)");
        }
    }

    Plugin meta(String host, String plugin) throws IOException {
        return storage(host, plugin).plugin(host, plugin).orElseThrow(() -> HttpProblem.notFound("plugin '" + plugin
                + "' of host '" + host + "' is unknown"));
    }

    /** The storage to ask for one plugin of a host: where its newest data is. */
    StorageClient storage(String host, String plugin) {
        return storages.storageOf(host, plugin).orElseThrow(() -> HttpProblem.unavailable("host '" + host
                + "' is unavailable: no storage that answers holds it now"));
    }

    /** {@code from} and {@code to}: epoch seconds, default the last 24 hours. */
    long[] range(Context ctx) {
        long now = clock.millis() / 1000;
        // the storage's own bounds, so that nothing the web passes on is refused there
        long to = Input.longParam(ctx, "to", now, QueryLimits.MIN_TIME, QueryLimits.MAX_TIME);
        long from = Input.longParam(ctx, "from", Math.max(QueryLimits.MIN_TIME, to - 86400), QueryLimits.MIN_TIME,
                QueryLimits.MAX_TIME);
        if (from >= to) {
            throw HttpProblem.badRequest("from " + from + " is not before to " + to);
        }
        if (to - from > QueryLimits.MAX_SPAN) {
            throw HttpProblem.badRequest("from " + from + " to " + to + " spans more than 20 years");
        }
        return new long[] {from, to};
    }

    private static String query(Context ctx) {
        String q = ctx.queryParam("q");
        if (q == null) {
            return "";
        }
        if (q.length() > 253) {
            throw HttpProblem.badRequest("q '" + Input.quote(q) + "' is longer than 253 characters");
        }
        return q.trim().toLowerCase(Locale.ROOT);
    }
}
