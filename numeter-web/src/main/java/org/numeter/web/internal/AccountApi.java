package org.numeter.web.internal;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** The caller's own account: who it is, its password, its API tokens. */
public final class AccountApi {
    record PasswordChange(String current, String password) {}

    record NewToken(String name) {}

    private final UserRepository users;
    private final TokenRepository tokens;
    private final Secrets secrets;
    private final Clock clock;

    public AccountApi(UserRepository users, TokenRepository tokens, Secrets secrets, Clock clock) {
        this.users = users;
        this.tokens = tokens;
        this.secrets = secrets;
        this.clock = clock;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/session", this::session);
        routes.put("/api/session/password", this::changePassword);
        routes.get("/api/tokens", this::listTokens);
        routes.post("/api/tokens", this::createToken);
        routes.delete("/api/tokens/{id}", this::revokeToken);
    }

    private void session(Context ctx) {
        Auth.Principal p = Auth.principal(ctx);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("user", p.user());
        answer.put("groups", users.groupsOf(p.user().id()));
        answer.put("csrf", p.csrf());
        answer.put("mustChangePassword", users.mustChangePassword(p.user().id()));
        ctx.json(answer);
    }

    private void changePassword(Context ctx) {
        User me = Auth.user(ctx);
        PasswordChange req = Input.body(ctx, PasswordChange.class);
        String password = Input.password(req.password(), "new password");
        String hash = users.passwordHash(me.id()).orElseThrow();
        if (req.current() == null || req.current().length() > 200 || !secrets.verifyPassword(req.current(), hash)) {
            throw HttpProblem.badRequest("the current password is wrong");
        }
        users.setPasswordHash(me.id(), secrets.hashPassword(password), false);
        ctx.status(204);
    }

    private void listTokens(Context ctx) {
        ctx.json(tokens.ofUser(Auth.user(ctx).id()));
    }

    /** The secret is in this answer only; the database keeps its hash. */
    private void createToken(Context ctx) {
        User me = Auth.user(ctx);
        String name = Input.label(Input.body(ctx, NewToken.class).name(), "token name");
        String secret = Secrets.randomToken();
        long id = tokens.create(me.id(), name, secret, clock.millis());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", id);
        answer.put("name", name);
        answer.put("token", secret);
        ctx.status(201).json(answer);
    }

    private void revokeToken(Context ctx) {
        long id = Input.id(ctx.pathParam("id"), "token id");
        if (!tokens.revoke(Auth.user(ctx).id(), id)) {
            throw HttpProblem.notFound("token " + id + " is unknown");
        }
        ctx.status(204);
    }
}
