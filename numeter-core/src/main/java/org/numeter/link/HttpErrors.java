package org.numeter.link;

import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpResponseException;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import org.numeter.store.QueryTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from exceptions to HTTP answers, for every Numeter server: bad input
 * ({@link IllegalArgumentException}, so also {@code CodecException}) is {@code 400} with its message as a one-line
 * plain-text body, a query whose answer would be too large ({@link QueryTooLargeException}) is {@code 413}, {@link NoSuchElementException} is {@code 404}, Javalin's own responses keep their status, and
 * anything else is {@code 500} with a log line and a counter, its details kept out of the answer. Javalin is only
 * touched through a nested class, so that the poller's server, which is not Javalin, loads none of it.
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
        OnJavalin.install(this, routes);
        return this;
    }

    /** What a request that failed with {@code e} is answered: its status and one-line plain-text body. */
    public record Failure(int status, String body) {}

    /**
     * The answer to {@code method path} that failed with {@code e}, counted and (for a 500) logged: the mapping of
     * {@link #install}, for a server that is not Javalin (the poller's).
     */
    public Failure failure(Exception e, String method, String path) {
        if (e instanceof QueryTooLargeException) {
            badRequests.incrementAndGet();
            return new Failure(413, oneLine(e.getMessage()));
        }
        if (e instanceof IllegalArgumentException) {
            badRequests.incrementAndGet();
            return new Failure(400, oneLine(e.getMessage()));
        }
        if (e instanceof NoSuchElementException) {
            notFound.incrementAndGet();
            return new Failure(404, oneLine(e.getMessage()));
        }
        serverErrors.incrementAndGet();
        LOG.error("{}: {} {} failed", server, method, path, e);
        return new Failure(500, "internal error (" + e.getClass().getSimpleName() + "), see the " + server + " log");
    }

    /** The Javalin side, a class of its own so that a server without Javalin never loads it. */
    private static final class OnJavalin {
        static void install(HttpErrors errors, RoutesConfig routes) {
            routes.exception(HttpResponseException.class, (e, ctx) -> {
                ctx.status(e.getStatus());
                ctx.contentType(TEXT).result(oneLine(e.getMessage()));
            });
            routes.exception(Exception.class, (e, ctx) -> {
                Failure f = errors.failure(e, ctx.method().name(), ctx.path());
                ctx.status(f.status()).contentType(TEXT).result(f.body());
            });
        }
    }

    static final String TEXT = "text/plain; charset=utf-8";

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
