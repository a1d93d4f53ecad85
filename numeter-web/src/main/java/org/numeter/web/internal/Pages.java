package org.numeter.web.internal;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The HTML pages: one shell for the signed-in application and one login page. They carry no data; the shell's
 * script fetches everything from the REST API, which applies the permissions. A host page still answers 404 for a
 * host the user may not see, so that even its status says nothing.
 */
public final class Pages {
    private final Auth auth;
    private final Access access;
    private final DashboardRepository dashboards;
    private final String shell;
    private final String login;

    public Pages(Auth auth, Access access, DashboardRepository dashboards) {
        this.auth = auth;
        this.access = access;
        this.dashboards = dashboards;
        this.shell = resource("/pages/app.html");
        this.login = resource("/pages/login.html");
    }

    public void register(RoutesConfig routes) {
        // after a form post without the script (Auth.loginForm), the page says why it is back, without a script
        routes.get("/login", ctx -> ctx.html(ctx.queryParam("failed") != null
                ? login.replace("id=\"login-failed\" class=\"error\" hidden", "id=\"login-failed\" class=\"error\"")
                : ctx.queryParam("throttled") != null
                ? login.replace("id=\"login-throttled\" class=\"error\" hidden",
                        "id=\"login-throttled\" class=\"error\"")
                : login));
        routes.post("/login", auth::loginForm);
        routes.get("/", this::shell);
        routes.get("/admin", ctx -> {
            User user = signedIn(ctx);
            if (user != null) {
                access.requireSuperuser(user);
                ctx.html(shell);
            }
        });
        routes.get("/account", this::shell);
        routes.get("/problems", this::shell);
        routes.get("/dashboards", this::shell);
        routes.get("/dashboards/{id}", ctx -> {
            User user = signedIn(ctx);
            if (user != null) {
                long id = Input.id(ctx.pathParam("id"), "dashboard id");
                access.readableDashboard(user, dashboards.byId(id)
                        .orElseThrow(() -> HttpProblem.notFound("dashboard " + id + " is unknown")));
                ctx.html(shell);
            }
        });
        routes.get("/search", this::shell);
        routes.get("/compare", this::shell);
        routes.get("/hosts/{host}/plugins/{plugin}", ctx -> {
            User user = signedIn(ctx);
            if (user != null) {
                access.requireHost(user, ctx.pathParam("host"));
                Input.plugin(ctx.pathParam("plugin"));
                ctx.html(shell);
            }
        });
        routes.get("/hosts/{host}", ctx -> {
            User user = signedIn(ctx);
            if (user != null) {
                access.requireHost(user, ctx.pathParam("host"));
                ctx.html(shell);
            }
        });
    }

    private void shell(Context ctx) {
        if (signedIn(ctx) != null) {
            ctx.html(shell);
        }
    }

    /** The caller, or null after redirecting to the login page (or to its password form, for a one-time one). */
    private User signedIn(Context ctx) {
        User user = auth.authenticate(ctx).map(Auth.Principal::user).orElse(null);
        if (user == null) {
            ctx.redirect("/login");
            return null;
        }
        if (auth.mustChangePassword(user)) {
            ctx.redirect("/login?change");
            return null;
        }
        return user;
    }

    private static String resource(String path) {
        try (InputStream in = Pages.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
