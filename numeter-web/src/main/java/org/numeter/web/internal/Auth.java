package org.numeter.web.internal;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HandlerType;
import io.javalin.http.SameSite;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Who is asking. A browser holds a session cookie (HttpOnly, SameSite=Strict) and sends the session's CSRF token
 * in {@code X-CSRF-Token} with every change; a script sends {@code Authorization: Bearer <api token>} instead and
 * needs no CSRF token, since no browser sends that header by itself.
 */
public final class Auth {
    public static final String COOKIE = "numeter_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** Sent with the 403 of a user who must change a one-time password first, so that the pages lead it there. */
    public static final String PASSWORD_CHANGE_HEADER = "Numeter-Password-Change";
    public static final String PASSWORD_PATH = "/api/session/password";
    private static final String PRINCIPAL = "numeter.principal";

    /** An authenticated caller; {@code csrf} is null for API tokens. */
    public record Principal(User user, String csrf) {}

    record LoginRequest(String username, String password) {}

    private final UserRepository users;
    private final SessionRepository sessions;
    private final TokenRepository tokens;
    private final Secrets secrets;
    private final LoginThrottle throttle;
    private final Clock clock;
    private final boolean secureCookies;
    private final Duration sessionLength;
    private final java.util.concurrent.atomic.AtomicLong logins = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong failedLogins = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong throttledLogins =
            new java.util.concurrent.atomic.AtomicLong();

    public Auth(UserRepository users, SessionRepository sessions, TokenRepository tokens, Secrets secrets,
            LoginThrottle throttle, Clock clock, boolean secureCookies, Duration sessionLength) {
        this.users = users;
        this.sessions = sessions;
        this.tokens = tokens;
        this.secrets = secrets;
        this.throttle = throttle;
        this.clock = clock;
        this.secureCookies = secureCookies;
        this.sessionLength = sessionLength;
    }

    public void login(Context ctx) {
        LoginRequest req = Input.body(ctx, LoginRequest.class);
        Session s = openSession(ctx, req.username(), req.password());
        ctx.json(Map.of("user", s.user(), "csrf", s.csrf(), "mustChangePassword", s.mustChangePassword()));
    }

    /**
     * The login form posted without the page's script (form-encoded, never in the URL): on success to the
     * application (or to the password form for a one-time password), otherwise back to the form, which says why.
     */
    public void loginForm(Context ctx) {
        try {
            Session s = openSession(ctx, ctx.formParam("username"), ctx.formParam("password"));
            ctx.redirect(s.mustChangePassword() ? "/login?change" : "/", io.javalin.http.HttpStatus.SEE_OTHER);
        } catch (HttpProblem e) {
            ctx.redirect(e.status() == 429 ? "/login?throttled" : "/login?failed", io.javalin.http.HttpStatus.SEE_OTHER);
        }
    }

    private record Session(User user, String csrf, boolean mustChangePassword) {}

    /** Checks the password (throttled), then opens a session and sets its cookie. */
    private Session openSession(Context ctx, String name, String password) {
        String username = name == null ? "" : name;
        if (username.length() > 64 || password == null || password.length() > 200) {
            throw HttpProblem.badRequest("username or password is too long");
        }
        String address = ctx.ip();
        long wait = throttle.retryAfter(username, address);
        if (wait > 0) {
            throttledLogins.incrementAndGet();
            ctx.header("Retry-After", Long.toString(wait));
            throw HttpProblem.tooManyRequests("too many failed logins; try again in " + wait + " s");
        }
        Optional<User> user = users.byUsername(username);
        String hash = user.flatMap(u -> users.passwordHash(u.id())).orElse(null);
        boolean ok = secrets.verifyPassword(password, hash) && user.get().active();
        if (!ok) {
            failedLogins.incrementAndGet();
            throttle.failed(username, address);
            throw HttpProblem.unauthorized("wrong username or password");
        }
        throttle.succeeded(username);
        logins.incrementAndGet();
        String id = Secrets.randomToken();
        String csrf = Secrets.randomToken();
        long now = clock.millis();
        sessions.deleteExpired(now);
        sessions.create(id, user.get().id(), csrf, now, now + sessionLength.toMillis());
        ctx.cookie(new Cookie(COOKIE, id, "/", -1, secureCookies, true, null, SameSite.STRICT));
        return new Session(user.get(), csrf, users.mustChangePassword(user.get().id()));
    }

    public void logout(Context ctx) {
        String id = ctx.cookie(COOKIE);
        if (id != null) {
            sessions.delete(id);
        }
        ctx.cookie(new Cookie(COOKIE, "", "/", 0, secureCookies, true, null, SameSite.STRICT));
        ctx.status(204);
    }

    /** The caller, from its session cookie or API token, or empty; an inactive user is nobody. */
    public Optional<Principal> authenticate(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization != null && authorization.startsWith("Bearer ")) {
            String token = authorization.substring(7).trim();
            if (token.isEmpty() || token.length() > 200) {
                return Optional.empty();
            }
            return tokens.userOf(token, clock.millis()).flatMap(users::byId).filter(User::active)
                    .map(u -> new Principal(u, null));
        }
        String id = ctx.cookie(COOKIE);
        if (id == null || id.isEmpty() || id.length() > 200) {
            return Optional.empty();
        }
        return sessions.find(id, clock.millis()).flatMap(s -> users.byId(s.userId()).filter(User::active)
                .map(u -> new Principal(u, s.csrf())));
    }

    /**
     * Run before every API route but login and logout: 401 without a caller, 403 for a change without its CSRF
     * token, and 403 for everything but changing the password while the caller still has a one-time password.
     */
    public void guardApi(Context ctx) {
        Principal p = authenticate(ctx).orElseThrow(() -> HttpProblem.unauthorized("log in first"));
        HandlerType m = ctx.method();
        // a record since Javalin 7: compared by value
        boolean change = m.equals(HandlerType.POST) || m.equals(HandlerType.PUT) || m.equals(HandlerType.PATCH)
                || m.equals(HandlerType.DELETE);
        if (change && p.csrf() != null && !Secrets.sameSecret(p.csrf(), ctx.header(CSRF_HEADER))) {
            throw HttpProblem.forbidden("missing or wrong " + CSRF_HEADER + " header");
        }
        boolean changingPassword = m.equals(HandlerType.PUT) && ctx.path().equals(PASSWORD_PATH);
        if (!changingPassword && users.mustChangePassword(p.user().id())) {
            // The printed one-time password must not become a lasting credential: not even an API token may be
            // made with it.
            ctx.header(PASSWORD_CHANGE_HEADER, "required");
            throw HttpProblem.forbidden("change your one-time password first: PUT " + PASSWORD_PATH
                    + " with {\"current\":...,\"password\":...}");
        }
        ctx.attribute(PRINCIPAL, p);
    }

    /** Logins since start, by outcome: success, failure (wrong password), throttled (429). */
    public Map<String, Long> loginCounts() {
        return Map.of("success", logins.get(), "failure", failedLogins.get(), "throttled", throttledLogins.get());
    }

    /** Whether the caller must change a one-time password before anything else (the pages ask). */
    public boolean mustChangePassword(User user) {
        return users.mustChangePassword(user.id());
    }

    public static User user(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw HttpProblem.unauthorized("log in first");
        }
        return p.user();
    }

    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw HttpProblem.unauthorized("log in first");
        }
        return p;
    }
}
