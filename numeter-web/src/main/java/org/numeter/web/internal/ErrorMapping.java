package org.numeter.web.internal;

import io.javalin.Javalin;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failures become answers here and nowhere else: an {@link HttpProblem} is its status with its one-line message
 * as plain text; anything else is a 500, a log line and a count.
 */
public final class ErrorMapping {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    private final AtomicLong internalErrors = new AtomicLong();

    public void register(Javalin app) {
        app.exception(HttpProblem.class, (e, ctx) -> {
            ctx.status(e.status());
            ctx.contentType("text/plain; charset=utf-8");
            ctx.result(e.getMessage());
        });
        app.exception(Exception.class, (e, ctx) -> {
            internalErrors.incrementAndGet();
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            ctx.status(500);
            ctx.contentType("text/plain; charset=utf-8");
            ctx.result("internal error; the web's log says more");
        });
    }

    public long internalErrors() {
        return internalErrors.get();
    }
}
