package org.numeter.collector.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.ConflictResponse;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.numeter.codec.Json;
import org.numeter.collector.PollerAddress;
import org.numeter.link.BearerToken;

/**
 * The collector's own endpoints: {@code POST /collector/v1/register} and {@code GET /collector/v1/status}, behind
 * the collector's token.
 */
public final class CollectorRoutes {
    public static final String REGISTER = "/collector/v1/register";
    public static final String STATUS = "/collector/v1/status";

    private final BearerToken auth;
    private final Consumer<PollerAddress> register;
    private final Supplier<Object> status;

    public CollectorRoutes(BearerToken auth, Consumer<PollerAddress> register, Supplier<Object> status) {
        this.auth = auth;
        this.register = register;
        this.status = status;
    }

    /** Adds the endpoints to a server's routes, inside {@code Javalin.create(config -> ...)}. */
    public void register(RoutesConfig routes) {
        routes.before("/collector/*", auth);
        routes.post(REGISTER, this::register);
        routes.get(STATUS, this::status);
    }

    private void register(Context ctx) {
        JsonNode body;
        try {
            body = Json.mapper().readTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            throw new IllegalArgumentException("registration body is not JSON: " + e.getMessage(), e);
        }
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("registration body must be {\"host\":..,\"url\":..,\"token\":..}");
        }
        PollerAddress address = PollerAddress.of(text(body, "host", true), text(body, "url", true),
                text(body, "token", false));
        try {
            register.accept(address);
        } catch (IllegalStateException e) {
            throw new ConflictResponse(e.getMessage());
        }
        ctx.status(204);
    }

    private static String text(JsonNode body, String key, boolean required) {
        JsonNode v = body.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("registration: " + key + " is missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("registration: " + key
                    + (key.equals("token") ? "" : " '" + v + "'") + " is not text");
        }
        return v.textValue();
    }

    private void status(Context ctx) throws IOException {
        ctx.contentType("application/json").result(Json.mapper().writeValueAsBytes(status.get()));
    }
}
