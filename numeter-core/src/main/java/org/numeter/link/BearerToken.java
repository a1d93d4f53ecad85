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
 */
public final class BearerToken implements Handler {
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

    @Override
    public void handle(Context ctx) {
        if (expected == null) {
            return;
        }
        String header = ctx.header("Authorization");
        byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        // Constant time, so the answer's timing does not tell how much of a guess was right.
        if (!MessageDigest.isEqual(expected, given)) {
            refused.incrementAndGet();
            ctx.header("WWW-Authenticate", "Bearer");
            throw new UnauthorizedResponse("missing or wrong bearer token");
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
