package org.numeter.collector.internal;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.UnauthorizedResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Lets a request through only with {@code Authorization: Bearer <token>}; without a configured token every request
 * passes. The comparison takes the same time whatever the guess, so the token cannot be found byte by byte.
 */
public final class BearerAuth implements Handler {
    private final byte[] expected;

    public BearerAuth(String token) {
        this.expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(Context ctx) {
        if (expected == null) {
            return;
        }
        String given = ctx.header("Authorization");
        if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            throw new UnauthorizedResponse("a valid 'Authorization: Bearer <token>' header is required");
        }
    }

    @Override
    public String toString() {
        return expected == null ? "BearerAuth{none}" : "BearerAuth{token=***}";
    }
}
