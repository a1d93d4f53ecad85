package org.numeter.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.numeter.codec.BatchCodec;
import org.numeter.codec.Json;
import org.numeter.model.Field;
import org.numeter.model.Plugin;

/**
 * A TEST FIXTURE, not a storage: a small HTTP server that answers storage API v1 (docs/api.md, section 2) from
 * canned plugins and computed waves, so that the web can be tested before and apart from the real storage. It
 * records every path asked, so tests can prove the web never asked for a host the user may not see.
 */
final class FixtureStorage implements AutoCloseable {
    private final Map<String, List<Plugin>> hosts;
    private final long lastUpdate;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private Javalin app;
    private String token;

    FixtureStorage(Map<String, List<Plugin>> hosts, long lastUpdate) {
        this.hosts = new LinkedHashMap<>(hosts);
        this.lastUpdate = lastUpdate;
    }

    /** Answers 401 to a request without {@code Authorization: Bearer <token>}. */
    FixtureStorage requireToken(String token) {
        this.token = token;
        return this;
    }

    FixtureStorage start() {
        app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.startupWatcherEnabled = false;
            c.jsonMapper(new JavalinJackson(Json.mapper(), false));
            c.routes.before(ctx -> {
                requests.add(ctx.path());
                if (token != null && !("Bearer " + token).equals(ctx.header("Authorization"))) {
                    throw new io.javalin.http.UnauthorizedResponse("token");
                }
            });
            c.routes.get("/api/v1/status", ctx -> ctx.json(Map.of("ok", true, "hosts", hosts.size())));
            c.routes.get("/api/v1/hosts", ctx -> ctx.json(hosts.entrySet().stream()
                    .map(e -> Map.of("id", e.getKey(), "plugins", e.getValue().size(), "lastUpdate", lastUpdate))
                    .toList()));
            c.routes.get("/api/v1/hosts/{host}/plugins", ctx -> ctx.json(plugins(ctx).stream()
                    .map(p -> Map.of("name", p.name(), "title", p.title(), "category", p.category(),
                        "lastUpdate", lastUpdate)).toList()));
            c.routes.get("/api/v1/hosts/{host}/plugins/{plugin}", ctx -> ctx.contentType("application/json")
                    .result(BatchCodec.encode(plugin(ctx))));
            c.routes.get("/api/v1/hosts/{host}/plugins/{plugin}/data", this::data);
        });
        app.start("127.0.0.1", 0);
        return this;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + app.port() + "/");
    }

    /** Every path asked so far. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    private List<Plugin> plugins(Context ctx) {
        List<Plugin> list = hosts.get(ctx.pathParam("host"));
        if (list == null) {
            throw new io.javalin.http.NotFoundResponse("host unknown");
        }
        return list;
    }

    private Plugin plugin(Context ctx) {
        return plugins(ctx).stream().filter(p -> p.name().equals(ctx.pathParam("plugin"))).findFirst()
                .orElseThrow(() -> new io.javalin.http.NotFoundResponse("plugin unknown"));
    }

    /** One point per step over the range, each field a wave of its own phase: easy to recognise in a graph. */
    private void data(Context ctx) {
        Plugin p = plugin(ctx);
        long to = Long.parseLong(ctx.queryParam("to"));
        long from = Long.parseLong(ctx.queryParam("from"));
        int points = Integer.parseInt(ctx.queryParamAsClass("points", String.class).getOrDefault("800"));
        // "points" is the most wanted: the step is the whole minute that keeps the count at or below it.
        long step = Math.max(60, ((to - from + points - 1) / points + 59) / 60 * 60);
        List<String> fields = ctx.queryParam("fields") == null ? p.fieldNames()
                : List.of(ctx.queryParam("fields").split(","));
        List<Object[]> rows = new ArrayList<>();
        for (long t = from - from % step + step; t <= Math.min(to, lastUpdate); t += step) {
            Object[] row = new Object[fields.size() + 1];
            row[0] = t;
            for (int f = 0; f < fields.size(); f++) {
                Field field = p.field(fields.get(f)).orElseThrow();
                row[f + 1] = 50 + 40 * Math.sin(t / 3600.0 + f) * (field.name().length() % 3 + 1) / 3;
            }
            rows.add(row);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("host", ctx.pathParam("host"));
        answer.put("plugin", p.name());
        answer.put("cf", "AVERAGE");
        answer.put("step", step);
        answer.put("fields", fields);
        answer.put("points", rows);
        ctx.json(answer);
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
            app = null;
        }
    }
}
