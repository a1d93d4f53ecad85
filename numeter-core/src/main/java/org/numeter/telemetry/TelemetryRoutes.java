package org.numeter.telemetry;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.router.Endpoint;
import org.numeter.codec.Json;
import org.numeter.link.HttpErrors;

/**
 * What every Numeter server answers without a token, and how it is measured: {@code GET /health} (the process
 * lives: always 200), {@code GET /ready} (it can do its job: 200, or 503 with the reason) and {@code GET /metrics}
 * (Prometheus text). Installed in each server's {@code Javalin.create(config -> ...)}, which also gets the rules
 * every server shares: a wrong method is a 405, a body is capped at {@link #MAX_BODY} while it is read (chunked or
 * not), and every request is timed by route and status ({@code numeter_http_server_requests_seconds}).
 */
public final class TelemetryRoutes {
    public static final String HEALTH = "/health";
    public static final String READY = "/ready";
    public static final String METRICS = "/metrics";
    /** The largest request body any Numeter server reads. */
    public static final long MAX_BODY = 64 * 1024;

    private TelemetryRoutes() {}

    /**
     * Configures one server: the three routes, the 405 rule, the body cap and the request timer, tagged
     * {@code server=<errors' server name>}. Errors are mapped by {@code errors}, installed here too.
     */
    public static void install(JavalinConfig config, Telemetry telemetry, HttpErrors errors) {
        String server = errors.server();
        config.http.prefer405over404 = true;
        config.http.maxRequestSize = Math.min(config.http.maxRequestSize, MAX_BODY);
        errors.install(config.routes);
        telemetry.meters().counter("numeter.http.server.errors",
                "Answers of status 500 (an internal error, logged with its cause)", errors::serverErrors,
                "server", server);
        // Registering one (empty) before-matched handler makes Javalin resolve the route of every request before
        // anything runs, so that a request refused by a before handler (401) is still timed under its route.
        config.routes.beforeMatched(ctx -> {});
        // A declared length over the cap is refused before a byte of it is read; a chunked body is cut by Javalin
        // where it passes the cap, when a handler reads it (a handler that takes no body never reads it).
        config.routes.before(ctx -> {
            long declared = ctx.req().getContentLengthLong();
            if (declared > config.http.maxRequestSize) {
                throw new HttpResponseException(HttpStatus.CONTENT_TOO_LARGE.getCode(), "request body of " + declared
                        + " bytes is over the limit of " + config.http.maxRequestSize);
            }
        });
        config.requestLogger.http((ctx, millis) -> time(telemetry, server, ctx, millis));
        config.routes.get(HEALTH, ctx -> health(ctx, telemetry));
        config.routes.get(READY, ctx -> ready(ctx, telemetry));
        config.routes.get(METRICS, ctx -> ctx.contentType(Telemetry.PROMETHEUS_TEXT).result(telemetry.scrape()));
    }

    private static void health(Context ctx, Telemetry telemetry) {
        json(ctx, 200, telemetry.health());
    }

    private static void ready(Context ctx, Telemetry telemetry) {
        Readiness r = telemetry.readiness();
        json(ctx, r.ready() ? 200 : 503, r);
    }

    private static void json(Context ctx, int status, Object body) {
        ctx.header("Cache-Control", "no-store");
        ctx.status(status).contentType("application/json").result(Json.bytes(body));
    }

    private static void time(Telemetry telemetry, String server, Context ctx, Float millis) {
        telemetry.timeRequest(server, ctx.method().name(), route(ctx), ctx.statusCode(), (long) (millis * 1_000_000L));
    }

    /** The matched route's template ({@code /api/v1/hosts/{host}}), never the raw path: labels stay few. */
    static String route(Context ctx) {
        Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
        if (matched != null && !matched.path.isEmpty()) {
            return matched.path;
        }
        return ctx.statusCode() < 400 ? "static" : "unmatched";
    }
}
