package org.numeter.link;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.UnauthorizedResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one check of {@code Authorization: Bearer <token>} for every Numeter server (pull link, collector, storage
 * API). With no token configured every request passes. A request without the right header ends in {@code 401}
 * with {@code WWW-Authenticate: Bearer}, mapped by {@link HttpErrors}, before any handler runs.
 *
 * <p>Javalin is only touched by {@link #handle(Context)} and {@link #handler()}, through a nested class: the
 * poller's server, which is not Javalin, checks with {@link #accepts(String)} and loads none of Javalin's classes.
 */
public final class BearerToken {
    private final byte[] expected;
    private final AtomicLong refused = new AtomicLong();

    private BearerToken(byte[] expected) {
        this.expected = expected;
    }

    /**
     * @param token the token requests must carry, or null for none
     * @param what names the server in the message for a blank token ("pull link", "storage API")
     */
    public static BearerToken of(String token, String what) {
        if (token == null) {
            return new BearerToken(null);
        }
        if (token.isBlank()) {
            throw new IllegalArgumentException(what + " token is blank: give a token or none");
        }
        return new BearerToken(("Bearer " + token).getBytes(StandardCharsets.UTF_8));
    }

    public boolean required() {
        return expected != null;
    }

    /** The message of the {@code 401} answered to a request this token refuses. */
    public static final String REFUSED = "missing or wrong bearer token";

    /**
     * Whether a request whose {@code Authorization} header is {@code header} (null when it has none) may pass;
     * a refusal is counted.
     */
    public boolean accepts(String header) {
        if (expected == null) {
            return true;
        }
        byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        // Constant time, so the answer's timing does not tell how much of a guess was right.
        if (!MessageDigest.isEqual(expected, given)) {
            refused.incrementAndGet();
            return false;
        }
        return true;
    }

    /** Passes, or ends the request in {@code 401} with {@code WWW-Authenticate: Bearer} (Javalin servers). */
    public void handle(Context ctx) {
        OnJavalin.check(this, ctx);
    }

    /** This check as a Javalin before-handler. */
    public Handler handler() {
        return OnJavalin.handler(this);
    }

    /** The Javalin side, a class of its own so that a server without Javalin never loads it. */
    private static final class OnJavalin {
        static void check(BearerToken token, Context ctx) {
            if (!token.accepts(ctx.header("Authorization"))) {
                ctx.header("WWW-Authenticate", "Bearer");
                throw new UnauthorizedResponse(REFUSED);
            }
        }

        static Handler handler(BearerToken token) {
            return ctx -> check(token, ctx);
        }
    }

    /** Requests refused for a missing or wrong token. */
    public long refused() {
        return refused.get();
    }

    @Override
    public String toString() {
        return expected == null ? "BearerToken{none}" : "BearerToken{set}";
    }
}
