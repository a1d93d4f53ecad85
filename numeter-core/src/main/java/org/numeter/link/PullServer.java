package org.numeter.link;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.numeter.component.CheckResult;
import org.numeter.component.Component;
import org.numeter.spool.Spool;
import org.numeter.telemetry.Telemetry;
import org.numeter.telemetry.TelemetryRoutes;

/**
 * A small HTTP server serving one spool with {@link PullRoutes}: what a poller runs so that collectors can drain
 * it, with {@code /health}, {@code /ready} and {@code /metrics}, keeping the rules of {@link TelemetryRoutes} (405 for
 * a wrong method, a body cap, every request timed, errors mapped by {@link HttpErrors}). Roles that already run a
 * Javalin server register {@link PullRoutes} in its configuration instead.
 *
 * <p>It is the JDK's {@code com.sun.net.httpserver}, not Javalin: a poller is meant to be small (48 MB resident,
 * docs/decisions.md "Poller footprint"), and Jetty, Javalin and Kotlin are about 800 classes and 6 MB there for
 * the few routes a poller serves. Requests are answered on at most {@link #WORKERS} threads, made when needed.
 */
public final class PullServer implements Component {
    private final Spool spool;
    private final String bindAddress;
    private final int port;
    private final PullRoutes routes;
    private final HttpErrors errors = new HttpErrors("pull link");
    private final Telemetry given;
    private final java.util.Map<String, java.util.function.Supplier<?>> json;
    private Telemetry.Lease telemetry;
    private HttpServer server;
    private ThreadPoolExecutor workers;
    private volatile boolean running;

    /** Threads answering requests at most: a poller has one collector, a Prometheus and an operator. */
    static final int WORKERS = 4;

    /**
     * Seconds a request may take to arrive whole, and its answer to be taken. The JDK's server waits for ever by
     * default, so a peer that stopped halfway (a cut network, a stalled client) held a worker for good, and
     * {@link #WORKERS} + 1 of them (the last on the server's own thread) stopped the poller's link. They are the
     * JDK's properties, read once when its server is first used, so they are set for the JVM; an operator's own
     * {@code -D} values win.
     */
    static final int REQUEST_SECONDS = 30;
    static final int ANSWER_SECONDS = 60;

    static {
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
        System.getProperties().putIfAbsent("sun.net.httpserver.maxRspTime", Integer.toString(ANSWER_SECONDS));
    }

    private PullServer(Builder b) {
        this.spool = b.spool;
        this.bindAddress = b.bindAddress;
        this.port = b.port;
        this.routes = new PullRoutes(b.spool, b.token);
        this.given = b.telemetry;
        this.json = java.util.Map.copyOf(b.json);
    }

    public static Builder builder(Spool spool) {
        return new Builder(spool);
    }

    public static final class Builder {
        private final Spool spool;
        private String bindAddress = "0.0.0.0";
        private int port;
        private String token;
        private Telemetry telemetry;
        private final java.util.Map<String, java.util.function.Supplier<?>> json = new java.util.LinkedHashMap<>();

        private Builder(Spool spool) {
            this.spool = Objects.requireNonNull(spool, "spool");
        }

        /** The address to listen on; default {@code 0.0.0.0} (every interface). */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /** The port; 0 (the default) picks a free one, see {@link PullServer#port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("pull link port " + port + " is not between 0 and 65535");
            }
            this.port = port;
            return this;
        }

        /** The bearer token clients must send; null (the default) serves without one. */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /**
         * The process's telemetry, served on {@code /health}, {@code /ready} and {@code /metrics}; by default one of
         * its own with the JVM's meters.
         */
        public Builder telemetry(Telemetry telemetry) {
            this.telemetry = telemetry;
            return this;
        }

        /** Also serves {@code GET path} with {@code body}'s value as JSON, behind the same token. */
        public Builder json(String path, java.util.function.Supplier<?> body) {
            this.json.put(Objects.requireNonNull(path, "path"), Objects.requireNonNull(body, "body"));
            return this;
        }

        public PullServer build() {
            return new PullServer(this);
        }
    }

    @Override
    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException(this + " was already started");
        }
        Telemetry.Lease lease = Telemetry.lease(given);
        telemetry = lease;
        lease.meters().counter("numeter.http.server.errors",
                "Answers of status 500 (an internal error, logged with its cause)", errors::serverErrors,
                "server", errors.server());
        Map<String, Route> table = routeTable(lease.telemetry());
        AtomicInteger made = new AtomicInteger();
        // A thread is made when none is free, up to WORKERS, and goes after 30 s idle; past WORKERS at once the
        // server's own thread answers, which holds back new connections until one is done.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, WORKERS, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "pull-link-" + made.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        pool.allowCoreThreadTimeOut(true);
        HttpServer created;
        try {
            created = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
        } catch (IOException | RuntimeException e) {
            pool.shutdown();
            lease.close();
            telemetry = null;
            throw new IllegalStateException("pull link could not listen on " + bindAddress + ":" + port + ": "
                    + e.getMessage(), e);
        }
        created.createContext("/", exchange -> serve(exchange, table, lease.telemetry()));
        created.setExecutor(pool);
        created.start();
        server = created;
        workers = pool;
        running = true;
    }

    /** One route: the methods it answers and what answers them. */
    private record Route(String method, boolean guarded, Handler handler) {}

    @FunctionalInterface
    private interface Handler {
        void handle(Exchange ex) throws IOException;
    }

    private Map<String, Route> routeTable(Telemetry t) {
        Map<String, Route> table = new LinkedHashMap<>();
        table.put(TelemetryRoutes.HEALTH, new Route("GET", false, ex -> json(ex, 200, t.health())));
        table.put(TelemetryRoutes.READY, new Route("GET", false, ex -> {
            var r = t.readiness();
            json(ex, r.ready() ? 200 : 503, r);
        }));
        table.put(TelemetryRoutes.METRICS, new Route("GET", false,
                ex -> ex.answer(200, Telemetry.PROMETHEUS_TEXT, t.scrape().getBytes(StandardCharsets.UTF_8))));
        table.put(PullRoutes.RECORDS, new Route("GET", true, routes::records));
        table.put(PullRoutes.ACK, new Route("POST", true, routes::ack));
        table.put(PullRoutes.STATS, new Route("GET", true, routes::stats));
        json.forEach((path, body) -> table.put(path, new Route("GET", true, ex -> PullRoutes.json(ex, body))));
        return table;
    }

    private static void json(Exchange ex, int status, Object body) {
        ex.responseHeader("Cache-Control", "no-store");
        ex.answer(status, "application/json", org.numeter.codec.Json.bytes(body));
    }

    /**
     * Answers one request as a Javalin server of {@link TelemetryRoutes} would: a declared body over the cap is a
     * 413 before a byte of it is read, an unknown path a 404, a wrong method a 405, a missing or wrong token a 401,
     * and every answer timed under its route.
     */
    private void serve(HttpExchange http, Map<String, Route> table, Telemetry t) {
        long began = System.nanoTime();
        String method = http.getRequestMethod();
        String path = http.getRequestURI().getRawPath();
        Route route = table.get(path);
        JdkExchange ex = new JdkExchange(http);
        try {
            String length = http.getRequestHeaders().getFirst("Content-Length");
            long declared = length == null ? -1 : parseLength(length);
            if (declared > TelemetryRoutes.MAX_BODY) {
                ex.text(413, "request body of " + declared + " bytes is over the limit of " + TelemetryRoutes.MAX_BODY);
            } else if (route == null) {
                ex.text(404, "no route " + method + " " + HttpErrors.oneLine(path));
            } else if (!route.method().equals(method)) {
                ex.responseHeader("Allow", route.method());
                ex.text(405, "method " + HttpErrors.oneLine(method) + " is not allowed on " + path + ": "
                        + route.method() + " only");
            } else if (route.guarded() && !routes.accepts(http.getRequestHeaders().getFirst("Authorization"))) {
                ex.responseHeader("WWW-Authenticate", "Bearer");
                ex.text(401, BearerToken.REFUSED);
            } else {
                route.handler().handle(ex);
            }
        } catch (Exception e) {
            if (!ex.answered) {
                HttpErrors.Failure f = errors.failure(e, method, path);
                ex.text(f.status(), f.body());
            }
        } finally {
            http.close();
            t.timeRequest(errors.server(), method, route != null ? path : "unmatched", ex.status,
                    System.nanoTime() - began);
        }
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Content-Length '" + value + "' is not a number");
        }
    }

    /** {@link Exchange} on the JDK's server: the query parsed once, the answer written at once. */
    private static final class JdkExchange implements Exchange {
        private final HttpExchange http;
        private Map<String, String> query;
        int status = 500;
        boolean answered;

        JdkExchange(HttpExchange http) {
            this.http = http;
        }

        @Override
        public String query(String name) {
            if (query == null) {
                query = new LinkedHashMap<>();
                String raw = http.getRequestURI().getRawQuery();
                if (raw != null) {
                    for (String pair : raw.split("&")) {
                        int eq = pair.indexOf('=');
                        String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                        // as Javalin: the first of a repeated parameter
                        query.putIfAbsent(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
                    }
                }
            }
            return query.get(name);
        }

        private static String decode(String s) {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        }

        @Override
        public String requestHeader(String name) {
            return http.getRequestHeaders().getFirst(name);
        }

        @Override
        public void responseHeader(String name, String value) {
            http.getResponseHeaders().set(name, value);
        }

        void text(int status, String message) {
            answer(status, "text/plain; charset=utf-8", HttpErrors.oneLine(message).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void answer(int status, String contentType, byte[] body) {
            this.status = status;
            answered = true;
            try {
                if (contentType != null) {
                    http.getResponseHeaders().set("Content-Type", contentType);
                }
                // -1: no body at all; 0 would mean a chunked one
                http.sendResponseHeaders(status, body == null || body.length == 0 ? -1 : body.length);
                if (body != null && body.length > 0) {
                    try (OutputStream out = http.getResponseBody()) {
                        out.write(body);
                    }
                }
            } catch (IOException e) {
                // the client went away: nothing to answer it
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** The port listened on, once started (the one chosen when built with port 0). */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException(this + " is not started");
        }
        return server.getAddress().getPort();
    }

    @Override
    public CheckResult check() {
        if (!running) {
            return CheckResult.failed("pull link on " + bindAddress + ":" + port + " is not running");
        }
        return new CheckResult(true, "serving " + spool + " on port " + port() + ", " + routes.recordsServed()
                + " records served, " + errors.serverErrors() + " server errors");
    }

    public PullRoutes routes() {
        return routes;
    }

    public HttpErrors errors() {
        return errors;
    }

    /** Stops serving; the spool stays open, it belongs to the caller. */
    @Override
    public synchronized void close() {
        running = false;
        if (server != null) {
            server.stop(0);
            workers.shutdown();
        }
        if (telemetry != null) {
            telemetry.close();
            telemetry = null;
        }
    }

    @Override
    public String toString() {
        return "PullServer{" + bindAddress + ":" + port + ", " + routes + "}";
    }
}
