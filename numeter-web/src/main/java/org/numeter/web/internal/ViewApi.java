package org.numeter.web.internal;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.numeter.model.Plugin;
import org.numeter.store.PluginSummary;

/**
 * Views, dashboards and skeletons. A view's sources are checked against the host permissions when it is saved and
 * again every time it is read, since a user may have left a group in between.
 */
public final class ViewApi {
    static final int MAX_SOURCES = 50;
    static final int MAX_SKELETON_VIEWS = 200;
    private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9_.*?\\-]{1,200}");

    record SourceBody(String host, String plugin, String field) {}

    record ViewBody(String name, List<SourceBody> sources, Double warning, Double critical) {}

    record DashboardBody(String name, List<Long> viewIds, List<String> shareUsers, List<Long> shareGroupIds) {}

    record SkeletonBody(String name, String hosts, String plugin, String field, List<String> shareUsers,
            List<Long> shareGroupIds) {}

    private final Access access;
    private final ViewRepository views;
    private final DashboardRepository dashboards;
    private final UserRepository users;
    private final GroupRepository groups;
    private final HostApi hostApi;
    private final Storages storages;
    private final Clock clock;

    public ViewApi(Access access, ViewRepository views, DashboardRepository dashboards, UserRepository users,
            GroupRepository groups, HostApi hostApi, Storages storages, Clock clock) {
        this.access = access;
        this.views = views;
        this.dashboards = dashboards;
        this.users = users;
        this.groups = groups;
        this.hostApi = hostApi;
        this.storages = storages;
        this.clock = clock;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/views", this::listViews);
        routes.post("/api/views", this::createView);
        routes.get("/api/views/{id}", this::getView);
        routes.put("/api/views/{id}", this::updateView);
        routes.delete("/api/views/{id}", this::deleteView);
        routes.get("/api/views/{id}/data", this::viewData);
        routes.get("/api/views/{id}/graph.png", this::viewPng);
        routes.get("/api/dashboards", this::listDashboards);
        routes.post("/api/dashboards", this::createDashboard);
        routes.get("/api/dashboards/{id}", this::getDashboard);
        routes.put("/api/dashboards/{id}", this::updateDashboard);
        routes.delete("/api/dashboards/{id}", this::deleteDashboard);
        routes.post("/api/skeletons", this::applySkeleton);
        routes.get("/api/compare", ctx -> ctx.json(Map.of("graph", comparison(ctx).spec())));
        routes.get("/api/compare/data", this::compareData);
        routes.get("/api/compare/graph.png", this::comparePng);
    }

    // ---- views ----

    private ViewRepository.View view(Context ctx) {
        long id = Input.id(ctx.pathParam("id"), "view id");
        return views.byId(id).orElseThrow(() -> HttpProblem.notFound("view " + id + " is unknown"));
    }

    /** A view as this user may see it: its hidden sources are gone, and its graph is drawn from the rest. */
    Map<String, Object> viewJson(User user, ViewRepository.View v) {
        List<ViewRepository.Source> sources = access.visibleSources(user, v);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", v.id());
        out.put("name", v.name());
        out.put("warning", v.warning());
        out.put("critical", v.critical());
        out.put("sources", sources);
        out.put("editable", user.superuser() || v.ownerId() == user.id());
        out.put("graph", spec(v, sources, metas(sources)));
        return out;
    }

    /** A view's graph: each source drawn by its own plugin's rules (GraphSpec#combined). */
    static GraphSpec spec(ViewRepository.View v, List<ViewRepository.Source> sources, Map<String, Plugin> metas) {
        List<GraphSpec.Part> parts = new ArrayList<>();
        for (ViewRepository.Source s : sources) {
            parts.add(new GraphSpec.Part(group(s), s.field(), label(s), metas.get(group(s))));
        }
        List<GraphSpec.Line> lines = new ArrayList<>();
        if (v.warning() != null) {
            lines.add(new GraphSpec.Line(v.warning(), "warning", v.name()));
        }
        if (v.critical() != null) {
            lines.add(new GraphSpec.Line(v.critical(), "critical", v.name()));
        }
        return GraphSpec.combined(v.name(), parts, lines);
    }

    private static String group(ViewRepository.Source s) {
        return s.host() + "/" + s.plugin();
    }

    /** The metadata of each plugin the sources name, null for one no storage answers for now. */
    private Map<String, Plugin> metas(List<ViewRepository.Source> sources) {
        Map<String, Plugin> out = new LinkedHashMap<>();
        for (ViewRepository.Source s : sources) {
            if (out.containsKey(group(s))) {
                continue;
            }
            Plugin meta = null;
            try {
                StorageClient storage = storages.storageOf(s.host(), s.plugin()).orElse(null);
                meta = storage == null ? null : storage.plugin(s.host(), s.plugin()).orElse(null);
            } catch (IOException e) {
                // its storage does not answer: the source is drawn as a plain line, its data marked unavailable
            }
            out.put(group(s), meta);
        }
        return out;
    }

    static String label(ViewRepository.Source s) {
        return s.host() + " " + s.plugin() + "." + s.field();
    }

    private void listViews(Context ctx) {
        User me = Auth.user(ctx);
        List<Map<String, Object>> out = new ArrayList<>();
        for (long id : views.ownedBy(me.id())) {
            views.byId(id).ifPresent(v -> out.add(viewJson(me, v)));
        }
        ctx.json(out);
    }

    private void getView(Context ctx) {
        User me = Auth.user(ctx);
        ctx.json(viewJson(me, access.readableView(me, view(ctx))));
    }

    private void createView(Context ctx) {
        User me = Auth.user(ctx);
        ViewBody body = Input.body(ctx, ViewBody.class);
        String name = Input.label(body.name(), "view name");
        List<ViewRepository.Source> sources = sources(me, body.sources());
        finite(body.warning(), "warning");
        finite(body.critical(), "critical");
        long id = views.create(me.id(), name, body.warning(), body.critical(), sources, clock.millis());
        ctx.status(201).json(viewJson(me, views.byId(id).orElseThrow()));
    }

    private void updateView(Context ctx) {
        User me = Auth.user(ctx);
        ViewRepository.View v = access.editableView(me, view(ctx));
        ViewBody body = Input.body(ctx, ViewBody.class);
        String name = Input.label(body.name(), "view name");
        List<ViewRepository.Source> sources = sources(me, body.sources());
        finite(body.warning(), "warning");
        finite(body.critical(), "critical");
        // Sources the editor cannot see stay as they were: an editor cannot remove what it cannot see.
        List<ViewRepository.Source> kept = new ArrayList<>(v.sources().stream()
                .filter(s -> !access.canSee(me, s.host())).toList());
        kept.addAll(sources);
        views.update(v.id(), name, body.warning(), body.critical(), kept);
        ctx.json(viewJson(me, views.byId(v.id()).orElseThrow()));
    }

    private void deleteView(Context ctx) {
        User me = Auth.user(ctx);
        ViewRepository.View v = access.editableView(me, view(ctx));
        views.delete(v.id());
        ctx.status(204);
    }

    /**
     * A view's rows as its graph draws them: each plugin's fields asked of its storage once, each source's values
     * exactly those of its host page (cdef applied, a negative half below the axis), merged by moment.
     *
     * @param unavailable the hosts whose storage did not answer
     */
    record ViewRows(GraphSpec spec, long step, List<Object[]> points, List<String> unavailable) {
        /** As {@code /api/views/{id}/data} answers. */
        Map<String, Object> json() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("labels", spec.labels());
            out.put("step", step);
            out.put("points", points);
            out.put("unavailable", unavailable);
            return out;
        }

        /** The PNG of these rows (GraphPng), with the request's range, size, hidden series and zone. */
        void sendPng(Context ctx, long[] range) throws IOException {
            int[] size = HostApi.pngSize(ctx);
            HostApi.sendPng(ctx, new GraphPng.Picture(spec.title(), spec, range[0], range[1], step, points,
                    HostApi.hidden(ctx, spec), size[0], size[1], HostApi.zone(ctx)));
        }
    }

    ViewRows viewRows(User me, ViewRepository.View v, long from, long to, int points) throws IOException {
        List<ViewRepository.Source> sources = access.visibleSources(me, v);
        Map<String, Plugin> metas = metas(sources);
        GraphSpec spec = spec(v, sources, metas);
        Map<String, List<Integer>> byPlugin = new LinkedHashMap<>();
        for (int i = 0; i < sources.size(); i++) {
            byPlugin.computeIfAbsent(group(sources.get(i)), k -> new ArrayList<>()).add(i);
        }
        TreeMap<Long, Object[]> rows = new TreeMap<>();
        List<String> unavailable = new ArrayList<>();
        long step = 0;
        for (List<Integer> indices : byPlugin.values()) {
            ViewRepository.Source first = sources.get(indices.get(0));
            Plugin meta = metas.get(group(first));
            StorageClient storage = storages.storageOf(first.host(), first.plugin()).orElse(null);
            if (storage == null || meta == null) {
                unavailable.add(first.host());
                continue;
            }
            // this plugin's part of the view's spec: what SeriesAnswer needs to apply its rules
            GraphSpec part = new GraphSpec(spec.title(), "", spec.base(), false, null, null, null,
                    indices.stream().map(spec.series()::get).toList(), List.of());
            StorageClient.Data data;
            try {
                data = storage.data(first.host(), first.plugin(), from, to, points,
                        SeriesAnswer.fieldsToFetch(meta, part)).orElse(null);
            } catch (StorageClient.StorageDownException e) {
                unavailable.add(first.host());
                continue;
            }
            if (data == null) {
                continue;
            }
            step = Math.max(step, data.step());
            for (Object[] row : SeriesAnswer.of(first.host(), meta, part, data).points()) {
                Object[] merged = rows.computeIfAbsent((Long) row[0], t -> {
                    Object[] r = new Object[sources.size() + 1];
                    r[0] = t;
                    return r;
                });
                for (int k = 0; k < indices.size(); k++) {
                    merged[indices.get(k) + 1] = row[k + 1];
                }
            }
        }
        return new ViewRows(spec, step, new ArrayList<>(rows.values()), unavailable.stream().distinct().toList());
    }

    private void viewData(Context ctx) throws IOException {
        User me = Auth.user(ctx);
        ViewRepository.View v = access.readableView(me, view(ctx));
        long[] range = hostApi.range(ctx);
        int points = (int) Input.longParam(ctx, "points", 800, 1, 5000);
        ctx.json(viewRows(me, v, range[0], range[1], points).json());
    }

    /** The view as a PNG, the same image as its card's PNG button (GraphPng). */
    private void viewPng(Context ctx) throws IOException {
        User me = Auth.user(ctx);
        ViewRepository.View v = access.readableView(me, view(ctx));
        long[] range = hostApi.range(ctx);
        viewRows(me, v, range[0], range[1], HostApi.pngSize(ctx)[0]).sendPng(ctx, range);
    }

    private List<ViewRepository.Source> sources(User me, List<SourceBody> body) {
        if (body == null || body.isEmpty()) {
            throw HttpProblem.badRequest("a view needs at least one source");
        }
        if (body.size() > MAX_SOURCES) {
            throw HttpProblem.badRequest("a view has at most " + MAX_SOURCES + " sources, not " + body.size());
        }
        LinkedHashSet<ViewRepository.Source> out = new LinkedHashSet<>();
        for (SourceBody s : body) {
            if (s == null) {
                throw HttpProblem.badRequest("a source is null");
            }
            String host = Input.host(s.host());
            String plugin = Input.plugin(s.plugin());
            String field = Input.field(s.field());
            access.requireHost(me, host);
            out.add(new ViewRepository.Source(host, plugin, field));
        }
        // only what exists: the storage that holds the plugin knows its fields
        Map<String, Plugin> known = new LinkedHashMap<>();
        for (ViewRepository.Source s : out) {
            Plugin meta = known.get(group(s));
            if (meta == null) {
                StorageClient storage = storages.storageOf(s.host(), s.plugin()).orElseThrow(() ->
                        HttpProblem.unavailable("host '" + s.host() + "' is unavailable: no storage that answers"
                                + " holds it now"));
                try {
                    meta = storage.plugin(s.host(), s.plugin()).orElseThrow(() -> HttpProblem.badRequest("plugin '"
                            + s.plugin() + "' of host '" + s.host() + "' is unknown"));
                } catch (IOException e) {
                    throw HttpProblem.unavailable("host '" + s.host() + "' is unavailable: " + e.getMessage());
                }
                known.put(group(s), meta);
            }
            if (meta.field(s.field()).isEmpty()) {
                throw HttpProblem.badRequest("field '" + s.field() + "' of plugin '" + s.plugin() + "' of host '"
                        + s.host() + "' is unknown");
            }
        }
        return List.copyOf(out);
    }

    private static void finite(Double value, String what) {
        if (value != null && (value.isNaN() || value.isInfinite())) {
            throw HttpProblem.badRequest(what + " '" + value + "' is not a finite number");
        }
    }

    // ---- dashboards ----

    private DashboardRepository.Dashboard dashboard(Context ctx) {
        long id = Input.id(ctx.pathParam("id"), "dashboard id");
        return dashboards.byId(id).orElseThrow(() -> HttpProblem.notFound("dashboard " + id + " is unknown"));
    }

    Map<String, Object> dashboardJson(User me, DashboardRepository.Dashboard d, boolean withViews) {
        boolean editable = me.superuser() || d.ownerId() == me.id();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", d.id());
        out.put("name", d.name());
        out.put("owner", users.byId(d.ownerId()).map(User::username).orElse(""));
        out.put("editable", editable);
        if (withViews) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (long viewId : d.viewIds()) {
                views.byId(viewId).ifPresent(v -> {
                    Map<String, Object> json = viewJson(me, v);
                    if (!((List<?>) json.get("sources")).isEmpty()) {
                        list.add(json);
                    }
                });
            }
            out.put("views", list);
        }
        if (editable) {
            out.put("shareUsers", d.userIds().stream().map(users::byId).flatMap(java.util.Optional::stream)
                    .map(User::username).toList());
            out.put("shareGroupIds", d.groupIds());
        }
        return out;
    }

    private void listDashboards(Context ctx) {
        User me = Auth.user(ctx);
        List<Long> ids = me.superuser() ? dashboards.all() : dashboards.readableBy(me.id());
        List<Map<String, Object>> out = new ArrayList<>();
        for (long id : ids) {
            dashboards.byId(id).ifPresent(d -> out.add(dashboardJson(me, d, false)));
        }
        ctx.json(out);
    }

    private void getDashboard(Context ctx) {
        User me = Auth.user(ctx);
        ctx.json(dashboardJson(me, access.readableDashboard(me, dashboard(ctx)), true));
    }

    private void createDashboard(Context ctx) {
        User me = Auth.user(ctx);
        DashboardBody body = Input.body(ctx, DashboardBody.class);
        String name = Input.label(body.name(), "dashboard name");
        List<Long> viewIds = viewIds(me, body.viewIds());
        List<Long> userIds = shareUsers(body.shareUsers());
        List<Long> groupIds = shareGroups(me, body.shareGroupIds());
        long id = dashboards.create(me.id(), name, viewIds, userIds, groupIds, clock.millis());
        ctx.status(201).json(dashboardJson(me, dashboards.byId(id).orElseThrow(), true));
    }

    private void updateDashboard(Context ctx) {
        User me = Auth.user(ctx);
        DashboardRepository.Dashboard d = access.editableDashboard(me, dashboard(ctx));
        DashboardBody body = Input.body(ctx, DashboardBody.class);
        String name = Input.label(body.name(), "dashboard name");
        List<Long> viewIds = viewIds(me, body.viewIds());
        List<Long> userIds = shareUsers(body.shareUsers());
        List<Long> groupIds = shareGroups(me, body.shareGroupIds());
        dashboards.update(d.id(), name, viewIds, userIds, groupIds);
        ctx.json(dashboardJson(me, dashboards.byId(d.id()).orElseThrow(), true));
    }

    private void deleteDashboard(Context ctx) {
        User me = Auth.user(ctx);
        DashboardRepository.Dashboard d = access.editableDashboard(me, dashboard(ctx));
        dashboards.delete(d.id());
        ctx.status(204);
    }

    /** Views the user may read; a dashboard cannot smuggle in someone else's view. */
    private List<Long> viewIds(User me, List<Long> ids) {
        if (ids == null) {
            return List.of();
        }
        if (ids.size() > MAX_SKELETON_VIEWS) {
            throw HttpProblem.badRequest("a dashboard has at most " + MAX_SKELETON_VIEWS + " views");
        }
        LinkedHashSet<Long> out = new LinkedHashSet<>();
        for (Long id : ids) {
            if (id == null) {
                throw HttpProblem.badRequest("view id 'null' is unknown");
            }
            ViewRepository.View v = views.byId(id).orElseThrow(() -> HttpProblem.badRequest("view id '" + id
                    + "' is unknown"));
            try {
                access.readableView(me, v);
            } catch (HttpProblem e) {
                throw HttpProblem.badRequest("view id '" + id + "' is unknown");
            }
            out.add(id);
        }
        return List.copyOf(out);
    }

    private List<Long> shareUsers(List<String> names) {
        if (names == null) {
            return List.of();
        }
        if (names.size() > 1000) {
            throw HttpProblem.badRequest("shareUsers has more than 1000 entries");
        }
        LinkedHashSet<Long> out = new LinkedHashSet<>();
        for (String n : names) {
            String name = Input.username(n);
            out.add(users.byUsername(name).map(User::id).orElseThrow(() -> HttpProblem.badRequest("user '" + name
                    + "' is unknown")));
        }
        return List.copyOf(out);
    }

    /** A superuser shares with any group; anyone else with its own groups. */
    private List<Long> shareGroups(User me, List<Long> ids) {
        if (ids == null) {
            return List.of();
        }
        if (ids.size() > 1000) {
            throw HttpProblem.badRequest("shareGroupIds has more than 1000 entries");
        }
        List<Long> mine = users.groupsOf(me.id()).stream().map(Group::id).toList();
        LinkedHashSet<Long> out = new LinkedHashSet<>();
        for (Long id : ids) {
            if (id == null || groups.byId(id).isEmpty() || (!me.superuser() && !mine.contains(id))) {
                throw HttpProblem.badRequest("group id '" + id + "' is unknown");
            }
            out.add(id);
        }
        return List.copyOf(out);
    }

    // ---- comparisons ----

    static final int MAX_COMPARED_HOSTS = 24;

    /**
     * {@code plugin} of {@code hosts} (comma-separated, each one the caller may see) overlaid in one graph: a view
     * made for the request and never stored, each host's fields drawn by the plugin's rules, none stacking on
     * another host's.
     */
    private ViewRows comparison(Context ctx) throws IOException {
        User me = Auth.user(ctx);
        String plugin = Input.plugin(ctx.queryParam("plugin"));
        String list = ctx.queryParam("hosts") == null ? "" : ctx.queryParam("hosts");
        List<String> hosts = List.of(list.split(",", -1)).stream().filter(h -> !h.isBlank()).distinct().toList();
        if (hosts.isEmpty() || hosts.size() > MAX_COMPARED_HOSTS) {
            throw HttpProblem.badRequest("hosts '" + Input.quote(list) + "' must name 1 to " + MAX_COMPARED_HOSTS
                    + " hosts, comma-separated");
        }
        List<ViewRepository.Source> sources = new ArrayList<>();
        for (String h : hosts) {
            String host = access.requireHost(me, Input.host(h));
            Plugin meta = hostApi.meta(host, plugin);
            for (String field : GraphSpec.of(meta).fields()) {
                sources.add(new ViewRepository.Source(host, plugin, field));
            }
        }
        ViewRepository.View v = new ViewRepository.View(0, me.id(), plugin + " on " + hosts.size() + " hosts", null,
                null, sources.size() > MAX_SOURCES ? sources.subList(0, MAX_SOURCES) : sources);
        boolean data = ctx.path().endsWith("/data") || ctx.path().endsWith(".png");
        if (!data) {
            return new ViewRows(spec(v, v.sources(), metas(v.sources())), 0, List.of(), List.of());
        }
        long[] range = hostApi.range(ctx);
        int points = ctx.path().endsWith(".png") ? HostApi.pngSize(ctx)[0]
                : (int) Input.longParam(ctx, "points", 800, 1, 5000);
        return viewRows(me, v, range[0], range[1], points);
    }

    private void compareData(Context ctx) throws IOException {
        ctx.json(comparison(ctx).json());
    }

    private void comparePng(Context ctx) throws IOException {
        comparison(ctx).sendPng(ctx, hostApi.range(ctx));
    }

    // ---- skeletons ----

    /**
     * A skeleton is a pair of patterns, plugin and field ({@code *} and {@code ?}), applied to every host the user
     * may see (or those matching {@code hosts}): one view per matching host, all in one new dashboard.
     */
    private void applySkeleton(Context ctx) throws IOException {
        User me = Auth.user(ctx);
        SkeletonBody body = Input.body(ctx, SkeletonBody.class);
        String name = Input.label(body.name(), "dashboard name");
        Pattern hostGlob = HostRegistry.glob(glob(body.hosts() == null ? "*" : body.hosts(), "hosts"));
        Pattern pluginGlob = HostRegistry.glob(glob(body.plugin(), "plugin"));
        Pattern fieldGlob = HostRegistry.glob(glob(body.field(), "field"));
        List<Long> userIds = shareUsers(body.shareUsers());
        List<Long> groupIds = shareGroups(me, body.shareGroupIds());
        List<List<ViewRepository.Source>> perHost = new ArrayList<>();
        for (String host : access.visibleHosts(me)) {
            if (!hostGlob.matcher(host).matches()) {
                continue;
            }
            List<ViewRepository.Source> sources = new ArrayList<>();
            try {
                for (PluginSummary p : storages.plugins(host).orElse(List.of())) {
                    if (!pluginGlob.matcher(p.name()).matches()) {
                        continue;
                    }
                    StorageClient storage = storages.storageOf(host, p.name()).orElse(null);
                    Plugin meta = storage == null ? null : storage.plugin(host, p.name()).orElse(null);
                    // the fields the plugin draws, in its drawing order, so that its stacks stack as on the host
                    // page (a graph-no field is not drawn there either)
                    for (String field : meta == null ? List.<String>of() : GraphSpec.of(meta).fields()) {
                        if (fieldGlob.matcher(field).matches() && sources.size() < MAX_SOURCES) {
                            sources.add(new ViewRepository.Source(host, p.name(), field));
                        }
                    }
                }
            } catch (StorageClient.StorageDownException e) {
                continue;
            }
            if (!sources.isEmpty()) {
                perHost.add(sources);
            }
        }
        if (perHost.isEmpty()) {
            throw HttpProblem.badRequest("no host you may see has plugin '" + body.plugin() + "' with field '"
                    + body.field() + "'");
        }
        if (perHost.size() > MAX_SKELETON_VIEWS) {
            throw HttpProblem.badRequest(perHost.size() + " hosts match; a skeleton makes at most "
                    + MAX_SKELETON_VIEWS + " views");
        }
        long now = clock.millis();
        List<Long> viewIds = new ArrayList<>();
        for (List<ViewRepository.Source> sources : perHost) {
            String plugins = String.join(", ", sources.stream().map(ViewRepository.Source::plugin).distinct().toList());
            String viewName = Input.label(trim(sources.get(0).host() + " " + plugins), "view name");
            viewIds.add(views.create(me.id(), viewName, null, null, sources, now));
        }
        long id = dashboards.create(me.id(), name, viewIds, userIds, groupIds, now);
        ctx.status(201).json(dashboardJson(me, dashboards.byId(id).orElseThrow(), true));
    }

    private static String trim(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100);
    }

    private static String glob(String value, String what) {
        if (value == null || !GLOB.matcher(value).matches()) {
            throw HttpProblem.badRequest(what + " pattern '" + Input.quote(value) + "' is not valid"
                    + " (letters, digits, '.', '_', '-', '*', '?')");
        }
        return value;
    }
}
