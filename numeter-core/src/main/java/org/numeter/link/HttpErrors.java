package org.numeter.link;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import org.numeter.store.QueryTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from exceptions to HTTP answers, for every Numeter server: bad input
 * ({@link IllegalArgumentException}, so also {@code CodecException}) is {@code 400} with its message as a one-line
 * plain-text body, a query whose answer would be too large ({@link QueryTooLargeException}) is {@code 413}, {@link NoSuchElementException} is {@code 404}, Javalin's own responses keep their status, and
 * anything else is {@code 500} with a log line and a counter, its details kept out of the answer.
 */
public final class HttpErrors {
    private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

    private final String server;
    private final AtomicLong badRequests = new AtomicLong();
    private final AtomicLong notFound = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();

    /** @param server names the server in log lines, e.g. "pull link" or "storage API" */
    public HttpErrors(String server) {
        this.server = server;
    }

    /**
     * Registers the mapping on a server's routes, inside {@code Javalin.create(config -> ...)}:
     * {@code errors.install(config.routes)}; once per Javalin instance.
     */
    public HttpErrors install(RoutesConfig routes) {
        routes.exception(QueryTooLargeException.class, (e, ctx) -> {
            badRequests.incrementAndGet();
            text(ctx, HttpStatus.CONTENT_TOO_LARGE, e.getMessage());
        });
        routes.exception(IllegalArgumentException.class, (e, ctx) -> {
            badRequests.incrementAndGet();
            text(ctx, HttpStatus.BAD_REQUEST, e.getMessage());
        });
        routes.exception(NoSuchElementException.class, (e, ctx) -> {
            notFound.incrementAndGet();
            text(ctx, HttpStatus.NOT_FOUND, e.getMessage());
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            ctx.status(e.getStatus());
            ctx.contentType("text/plain; charset=utf-8").result(oneLine(e.getMessage()));
        });
        routes.exception(Exception.class, (e, ctx) -> {
            serverErrors.incrementAndGet();
            LOG.error("{}: {} {} failed", server, ctx.method(), ctx.path(), e);
            text(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal error (" + e.getClass().getSimpleName()
                    + "), see the " + server + " log");
        });
        return this;
    }

    private static void text(Context ctx, HttpStatus status, String message) {
        ctx.status(status).contentType("text/plain; charset=utf-8").result(oneLine(message));
    }

    /** Keeps a body to one line: a message quoting a bad value may carry the value's newlines. */
    static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "(no message)";
        }
        return message.replace("\r", "\\r").replace("\n", "\\n");
    }

    /** The server's name, as in log lines and the {@code server} label of its meters. */
    public String server() {
        return server;
    }

    public long badRequests() {
        return badRequests.get();
    }

    public long notFound() {
        return notFound.get();
    }

    /** Answers of status 500 since start: a status page shows it, an alert may watch it. */
    public long serverErrors() {
        return serverErrors.get();
    }

    @Override
    public String toString() {
        return "HttpErrors{" + server + "}";
    }
}
