package org.numeter.collector.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.ConflictResponse;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.UnauthorizedResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.numeter.codec.Json;
import org.numeter.collector.PollerAddress;
import org.numeter.collector.RegistrationSecret;
import org.numeter.link.BearerToken;

/**
 * The collector's own endpoints, each behind the credential of its act: {@code POST /collector/v1/register} behind
 * the registering host's own token (derived from the collector's {@link RegistrationSecret}, so a token registers
 * one host and no other), {@code GET /collector/v1/status} behind the collector's token (the one storages drain it
 * with). Without a registration secret, registration is off.
 */
public final class CollectorRoutes {
    public static final String REGISTER = "/collector/v1/register";
    public static final String STATUS = "/collector/v1/status";

    /** What the collector does with a registration whose credential was checked. */
    @FunctionalInterface
    public interface Registrar {
        /**
         * @return true when the collector did not know the poller at this address (new, moved, or forgotten), false
         *     when it did
         * @throws IllegalStateException when the configuration lists the host elsewhere (409)
         */
        boolean register(PollerAddress address);
    }

    private final BearerToken auth;
    private final RegistrationSecret secret;
    private final Registrar registrar;
    private final Supplier<Map<String, Object>> status;
    private final AtomicLong refused = new AtomicLong();

    /** @param secret the registration secret, or null when registration is off */
    public CollectorRoutes(BearerToken auth, RegistrationSecret secret, Registrar registrar,
            Supplier<Map<String, Object>> status) {
        this.auth = auth;
        this.secret = secret;
        this.registrar = registrar;
        this.status = status;
    }

    /** Adds the endpoints to a server's routes, inside {@code Javalin.create(config -> ...)}. */
    public void register(RoutesConfig routes) {
        routes.before(STATUS, auth.handler());
        routes.post(REGISTER, this::registerPoller);
        routes.get(STATUS, this::status);
    }

    /** Registrations refused for a missing or wrong token, or because registration is off. */
    public long refused() {
        return refused.get();
    }

    private void registerPoller(Context ctx) throws IOException {
        if (secret == null) {
            refused.incrementAndGet();
            throw new ForbiddenResponse("registration is off on this collector: its operator sets"
                    + " collector.registration-secret and gives each host its token (numeter collector token <host>)");
        }
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
        String header = ctx.header("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            refused.incrementAndGet();
            ctx.header("WWW-Authenticate", "Bearer");
            throw new UnauthorizedResponse("registration of " + address.host() + " needs that host's registration"
                    + " token (Authorization: Bearer <token>)");
        }
        // The token names the host: nobody registers, or moves, a host whose token they were not given.
        if (!secret.accepts(address.host(), header.substring("Bearer ".length()))) {
            refused.incrementAndGet();
            throw new ForbiddenResponse("the token presented is not host " + address.host() + "'s registration"
                    + " token");
        }
        String scheme = address.url().getScheme();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("registration of " + address.host() + ": url '" + address.safeUrl()
                    + "' is not http or https; a poller read through Redis is configured, not registered");
        }
        boolean learnt;
        try {
            learnt = registrar.register(address);
        } catch (IllegalStateException e) {
            throw new ConflictResponse(e.getMessage());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("host", address.host());
        answer.put("known", !learnt);
        ctx.status(learnt ? 201 : 200).contentType("application/json")
                .result(Json.mapper().writeValueAsBytes(answer));
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

    /** The collector's state; 503 when it is not ready ({@code "ok":false}), like {@code GET /ready}. */
    private void status(Context ctx) throws IOException {
        Map<String, Object> doc = status.get();
        ctx.status(Boolean.TRUE.equals(doc.get("ok")) ? 200 : 503);
        ctx.contentType("application/json").result(Json.mapper().writeValueAsBytes(doc));
    }
}
