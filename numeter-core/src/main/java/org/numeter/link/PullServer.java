package org.numeter.link;

import io.javalin.Javalin;
import java.util.Objects;
import org.numeter.component.CheckResult;
import org.numeter.component.Component;
import org.numeter.spool.Spool;
import org.numeter.telemetry.Telemetry;
import org.numeter.telemetry.TelemetryRoutes;

/**
 * A small HTTP server serving one spool with {@link PullRoutes}: what a poller runs so that collectors can drain
 * it, with {@code /health}, {@code /ready} and {@code /metrics} ({@link TelemetryRoutes}). Roles
 * that already run a Javalin server register {@link PullRoutes} in its configuration instead.
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
    private Javalin app;
    private volatile boolean running;

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
        if (app != null) {
            throw new IllegalStateException(this + " was already started");
        }
        Telemetry.Lease lease = Telemetry.lease(given);
        telemetry = lease;
        Javalin created = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.startupWatcherEnabled = false;
            TelemetryRoutes.install(config, lease.telemetry(), errors);
            routes.register(config.routes);
            json.forEach((path, body) -> routes.json(config.routes, path, body));
        });
        try {
            created.start(bindAddress, port);
        } catch (RuntimeException e) {
            created.stop();
            throw new IllegalStateException("pull link could not listen on " + bindAddress + ":" + port + ": "
                    + e.getMessage(), e);
        }
        app = created;
        running = true;
    }

    /** The port listened on, once started (the one chosen when built with port 0). */
    public synchronized int port() {
        if (app == null) {
            throw new IllegalStateException(this + " is not started");
        }
        return app.port();
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
        if (app != null) {
            app.stop();
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
