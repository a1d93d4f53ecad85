package org.numeter.storage.internal;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error of the storage API becomes a status and a one-line plain-text body here, and nowhere else: bad input
 * is 400 with the message (which quotes the value), an unknown host or plugin 404, a missing or wrong token 401,
 * anything else 500 with a log line and a counter.
 */
public final class ApiErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private final AtomicLong internalErrors = new AtomicLong();

    /** A request without the token the server requires. */
    public static final class Unauthorized extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unauthorized(String message) {
            super(message);
        }
    }

    public void register(Javalin app) {
        app.exception(Unauthorized.class, (e, ctx) -> {
            ctx.header("WWW-Authenticate", "Bearer");
            plain(ctx, 401, e.getMessage());
        });
        app.exception(IllegalArgumentException.class, (e, ctx) -> plain(ctx, 400, e.getMessage()));
        app.exception(NoSuchElementException.class, (e, ctx) -> plain(ctx, 404, e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            internalErrors.incrementAndGet();
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            plain(ctx, 500, "internal error: " + e.getClass().getSimpleName() + " (logged)");
        });
    }

    public long internalErrors() {
        return internalErrors.get();
    }

    private static void plain(Context ctx, int status, String message) {
        String line = message == null ? "" : message.replace('\r', ' ').replace('\n', ' ');
        ctx.status(status).contentType("text/plain; charset=utf-8").result(line);
    }
}
