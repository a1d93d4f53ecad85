package org.numeter.storage;

import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Supplier;
import org.numeter.alert.AlertEngine;
import org.numeter.codec.BatchCodec;
import org.numeter.codec.Json;
import org.numeter.component.CheckResult;
import org.numeter.component.Component;
import org.numeter.link.BearerToken;
import org.numeter.link.HttpErrors;
import org.numeter.model.Plugin;
import org.numeter.store.Consolidation;
import org.numeter.store.HostSummary;
import org.numeter.store.QueryLimits;
import org.numeter.store.Series;
import org.numeter.store.SeriesQuery;
import org.numeter.store.Store;
import org.numeter.storage.internal.Params;
import org.numeter.telemetry.Telemetry;
import org.numeter.telemetry.TelemetryRoutes;

/**
 * Serves a {@link Store} over HTTP: the storage API v1 of {@code docs/api.md}, section 2.
 *
 * <pre>{@code
 * StorageServer server = StorageServer.builder().store(store).bind("0.0.0.0").port(8082).token(t).build();
 * server.start();
 * }</pre>
 */
public final class StorageServer implements Component {
    static final String PREFIX = "/api/v1";
    private static final long DAY = 86_400;
    private static final String STARTED = "numeter.started";

    private final Store store;
    private final String bind;
    private final int port;
    private final BearerToken auth;
    private final Clock clock;
    private final Supplier<Map<String, Object>> status;
    private final Supplier<CheckResult> health;
    private final Supplier<String> phase;
    private final HttpErrors errors = new HttpErrors("storage API");
    private final GraphRenderer graphs;
    private final Telemetry given;
    private Telemetry.Lease telemetry;
    private final AlertEngine alerts;
    private final Duration staleAfter;
    private Javalin app;

    private StorageServer(Builder b) {
        this.store = Objects.requireNonNull(b.store, "store");
        this.bind = b.bind;
        this.port = b.port;
        this.auth = BearerToken.of(b.token, "storage API");
        this.clock = b.clock;
        this.status = b.status;
        this.health = b.health;
        this.phase = b.phase;
        this.graphs = new GraphRenderer(store);
        this.given = b.telemetry;
        this.alerts = b.alerts;
        this.staleAfter = b.staleAfter;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collaborators and settings; only the store is required. */
    public static final class Builder {
        private Store store;
        private String bind = "0.0.0.0";
        private int port = 8082;
        private String token;
        private Clock clock = Clock.systemUTC();
        private Supplier<Map<String, Object>> status = Map::of;
        private Supplier<CheckResult> health = () -> CheckResult.OK;
        private Supplier<String> phase = () -> null;
        private Telemetry telemetry;
        private AlertEngine alerts;
        private Duration staleAfter = Duration.ofMinutes(5);

        private Builder() {}

        /** Served on {@code /health}, {@code /ready} and {@code /metrics}; by default one of its own. */
        public Builder telemetry(Telemetry telemetry) {
            this.telemetry = telemetry;
            return this;
        }

        /** The alert engine whose states, history, change feed and rules {@code /api/v1/alerts} serves; or null. */
        public Builder alerts(AlertEngine alerts) {
            this.alerts = alerts;
            return this;
        }

        public Builder store(Store store) {
            this.store = store;
            return this;
        }

        /** The address to listen on (default 0.0.0.0). */
        public Builder bind(String bind) {
            this.bind = Objects.requireNonNull(bind, "bind");
            return this;
        }

        /** The port (default 8082); 0 takes a free one, see {@link #port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
            }
            this.port = port;
            return this;
        }

        /** When set (not null or blank), every request must carry {@code Authorization: Bearer <token>}. */
        public Builder token(String token) {
            this.token = token == null || token.isBlank() ? null : token;
            return this;
        }

        /** The clock behind the default time range (the last 24 hours). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** More figures for {@code /api/v1/status} (the ingest counters). */
        public Builder status(Supplier<Map<String, Object>> status) {
            this.status = Objects.requireNonNull(status, "status");
            return this;
        }

        /** The health {@code /api/v1/status} reports as {@code ok} and {@code detail}. */
        public Builder health(Supplier<CheckResult> health) {
            this.health = Objects.requireNonNull(health, "health");
            return this;
        }

        /**
         * What the storage does before it can be ready, as the {@code status} word of {@code /api/v1/status}
         * ({@code REPLAYING} while the start replays the journal), or null: then {@code UP}, {@code DEGRADED} or
         * {@code DOWN} from the health.
         */
        public Builder phase(Supplier<String> phase) {
            this.phase = Objects.requireNonNull(phase, "phase");
            return this;
        }

        /**
         * A host whose last update is older than this is reported {@code stale} (default 5 minutes: five steps of
         * the default archives; the launcher gives {@code storage.stale-after} steps).
         */
        public Builder staleAfter(Duration staleAfter) {
            if (staleAfter.isNegative() || staleAfter.isZero()) {
                throw new IllegalArgumentException("stale-after " + staleAfter + " must be positive");
            }
            this.staleAfter = staleAfter;
            return this;
        }

        public StorageServer build() {
            return new StorageServer(this);
        }
    }

    @Override
    public synchronized void start() {
        if (app != null) {
            return;
        }
        telemetry = Telemetry.lease(given);
        Telemetry served = telemetry.telemetry();
        Javalin j = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.startupWatcherEnabled = false;
            TelemetryRoutes.install(config, served, errors);
            register(config.routes);
        });
        try {
            j.start(bind, port);
        } catch (RuntimeException e) {
            j.stop();
            throw new IllegalStateException("storage API: cannot listen on " + bind + ":" + port + ": "
                    + e.getMessage(), e);
        }
        app = j;
    }

    /** The storage API's routes, added inside {@code Javalin.create(config -> ...)}. */
    private void register(RoutesConfig routes) {
        // the time spent in the server, for clients and benchmarks that want it without the network's share
        routes.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
        routes.after(ctx -> {
            Long t0 = ctx.attribute(STARTED);
            if (t0 != null) {
                ctx.header("Server-Timing", String.format(Locale.ROOT, "app;dur=%.3f",
                        (System.nanoTime() - t0) / 1e6));
            }
        });
        routes.before(PREFIX + "/*", auth.handler());
        routes.get(PREFIX + "/hosts", ctx -> {
            long now = clock.instant().getEpochSecond();
            List<Map<String, Object>> out = new ArrayList<>();
            for (HostSummary h : store.hosts()) {
                out.add(hostJson(h, now));
            }
            json(ctx, out);
        });
        routes.get(PREFIX + "/hosts/{host}", ctx -> json(ctx, hostJson(host(ctx),
                clock.instant().getEpochSecond())));
        routes.get(PREFIX + "/hosts/{host}/plugins", ctx -> {
            host(ctx);
            json(ctx, store.plugins(ctx.pathParam("host")));
        });
        routes.get(PREFIX + "/hosts/{host}/plugins/{plugin}", ctx -> ctx.contentType("application/json")
                .result(BatchCodec.encode(plugin(ctx))));
        routes.get(PREFIX + "/hosts/{host}/plugins/{plugin}/data", this::data);
        routes.get(PREFIX + "/hosts/{host}/plugins/{plugin}/graph.png", this::graph);
        routes.get(PREFIX + "/status", ctx -> {
            Map<String, Object> status = status();
            // truthful like GET /ready: a storage that cannot do its job answers 503, its figures still in the body
            ctx.status(Boolean.TRUE.equals(status.get("ok")) ? 200 : 503);
            json(ctx, status);
        });
        if (alerts != null) {
            new AlertRoutes(alerts, clock).register(routes, PREFIX);
        }
    }

    /** The port listened on, once started. */
    public int port() {
        if (app == null) {
            throw new IllegalStateException("the storage API is not started");
        }
        return app.port();
    }

    private Map<String, Object> hostJson(HostSummary h, long now) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", h.id());
        out.put("plugins", h.plugins());
        out.put("lastUpdate", h.lastUpdate());
        out.put("stale", stale(h, now));
        out.put("late", h.late());
        out.put("future", h.future());
        out.put("apart", h.apart());
        return out;
    }

    private boolean stale(HostSummary h, long now) {
        return now - h.lastUpdate() > staleAfter.toSeconds();
    }

    /** Hosts whose last update is older than the stale threshold, now. */
    public long staleHosts() throws IOException {
        long now = clock.instant().getEpochSecond();
        return store.hosts().stream().filter(h -> stale(h, now)).count();
    }

    private HostSummary host(Context ctx) throws IOException {
        String host = ctx.pathParam("host");
        return store.host(host).orElseThrow(() -> new NoSuchElementException("host '" + host + "' is not known"));
    }

    private Plugin plugin(Context ctx) throws IOException {
        String host = host(ctx).id();
        String plugin = ctx.pathParam("plugin");
        return store.plugin(host, plugin).orElseThrow(
                () -> new NoSuchElementException("host " + host + " has no plugin '" + plugin + "'"));
    }

    private void data(Context ctx) throws IOException {
        // every parameter is checked before any work, and the query plan bounds the rest (QueryLimits)
        long[] range = range(ctx);
        long resolution = Params.number(ctx, "resolution", 1, QueryLimits.MAX_RESOLUTION, 0);
        int points = (int) Params.number(ctx, "points", 1, QueryLimits.MAX_POINTS, 0);
        String cfText = ctx.queryParam("cf");
        Consolidation cf = cfText == null || cfText.isEmpty() ? Consolidation.AVERAGE : Consolidation.parse(cfText);
        List<String> fields = Params.list(ctx, "fields");
        Plugin p = plugin(ctx);
        Series s = store.fetch(new SeriesQuery(ctx.pathParam("host"), p.name(), fields, range[0], range[1],
                resolution, points, cf));
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + s.size() * (12 + 10 * s.fields().size()));
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("host", s.host());
            g.writeStringField("plugin", s.plugin());
            g.writeStringField("cf", s.cf().name());
            g.writeNumberField("step", s.step());
            g.writeArrayFieldStart("fields");
            for (String f : s.fields()) {
                g.writeString(f);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("points");
            double[][] v = s.values();
            for (int i = 0; i < s.size(); i++) {
                g.writeStartArray();
                g.writeNumber(s.timestamp(i));
                for (double[] field : v) {
                    if (Double.isNaN(field[i])) {
                        g.writeNull();
                    } else {
                        g.writeNumber(field[i]);
                    }
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        ctx.contentType("application/json").result(out.toByteArray());
    }

    private void graph(Context ctx) throws IOException {
        long[] range = range(ctx);
        int width = (int) Params.number(ctx, "width", QueryLimits.MIN_WIDTH, QueryLimits.MAX_WIDTH, 800);
        int height = (int) Params.number(ctx, "height", QueryLimits.MIN_HEIGHT, QueryLimits.MAX_HEIGHT, 300);
        String title = ctx.queryParam("title");
        if (title != null && title.length() > 200) {
            throw new IllegalArgumentException("title '" + title.substring(0, 40) + "...' is longer than 200"
                    + " characters");
        }
        boolean legend = Params.bool(ctx, "legend", true);
        Plugin p = plugin(ctx);
        byte[] png = graphs.render(new GraphRenderer.Request(ctx.pathParam("host"), p.name(), range[0], range[1],
                width, height, title == null || title.isEmpty() ? null : title, legend));
        ctx.contentType("image/png").result(png);
    }

    /** from and to, by default the 24 hours up to now, within {@link QueryLimits}. */
    private long[] range(Context ctx) {
        long now = clock.instant().getEpochSecond();
        long to = Params.epochSecond(ctx, "to", now);
        QueryLimits.requireTime("to", to);
        long from = Params.epochSecond(ctx, "from", Math.max(QueryLimits.MIN_TIME, to - DAY));
        QueryLimits.requireRange(from, to);
        return new long[] {from, to};
    }

    private Map<String, Object> status() throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        CheckResult check = health.get();
        out.put("ok", check.ok());
        String doing = phase.get();
        out.put("status", doing != null && !check.ok() ? doing : check.status());
        out.put("detail", check.detail());
        List<HostSummary> hosts = store.hosts();
        long now = clock.instant().getEpochSecond();
        long plugins = 0;
        for (HostSummary h : hosts) {
            plugins += h.plugins();
        }
        out.put("hosts", hosts.size());
        out.put("plugins", plugins);
        out.put("series", store.series());
        out.put("errors", errors.serverErrors());
        out.putAll(status.get());
        out.put("staleHosts", hosts.stream().filter(h -> stale(h, now)).count());
        out.put("staleAfterSeconds", staleAfter.toSeconds());
        return out;
    }

    private static void json(Context ctx, Object value) throws IOException {
        ctx.contentType("application/json").result(Json.mapper().writeValueAsBytes(value));
    }

    @Override
    public CheckResult check() {
        Javalin j = app;
        if (j == null) {
            return CheckResult.failed("the storage API is not started");
        }
        return new CheckResult(true, "listening on " + bind + ":" + j.port());
    }

    @Override
    public synchronized void close() {
        if (app != null) {
            app.stop();
            app = null;
        }
        if (telemetry != null) {
            telemetry.close();
            telemetry = null;
        }
    }

    @Override
    public String toString() {
        return "StorageServer{" + bind + ":" + port + (auth.required() ? ", token set" : "") + "}";
    }
}
