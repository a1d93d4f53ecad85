package org.numeter.web;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.numeter.codec.Json;
import org.numeter.component.CheckResult;
import org.numeter.component.Component;
import org.numeter.link.HttpErrors;
import org.numeter.telemetry.Telemetry;
import org.numeter.telemetry.TelemetryRoutes;
import org.numeter.web.internal.AccountApi;
import org.numeter.web.internal.ClientAddress;
import org.numeter.web.internal.Access;
import org.numeter.alert.notify.Channel;
import org.numeter.alert.notify.CommandChannel;
import org.numeter.alert.notify.EmailChannel;
import org.numeter.alert.notify.Sender;
import org.numeter.alert.notify.WebhookChannel;
import org.numeter.web.internal.AdminApi;
import org.numeter.web.internal.AlertApi;
import org.numeter.web.internal.AlertService;
import org.numeter.web.internal.Auth;
import org.numeter.web.internal.DashboardRepository;
import org.numeter.web.internal.Database;
import org.numeter.web.internal.EventApi;
import org.numeter.web.internal.EventRepository;
import org.numeter.web.internal.GroupRepository;
import org.numeter.web.internal.HostApi;
import org.numeter.web.internal.HostRegistry;
import org.numeter.web.internal.HostRepository;
import org.numeter.web.internal.LoginThrottle;
import org.numeter.web.internal.Pages;
import org.numeter.web.internal.Secrets;
import org.numeter.web.internal.SessionRepository;
import org.numeter.web.internal.StorageCatalog;
import org.numeter.web.internal.StorageClient;
import org.numeter.web.internal.StorageRepository;
import org.numeter.web.internal.Storages;
import org.numeter.web.internal.TokenRepository;
import org.numeter.web.internal.UserRepository;
import org.numeter.web.internal.ViewApi;
import org.numeter.web.internal.ViewRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web role: users log in and see, for every host of their groups, a dashboard built from the plugins'
 * metadata, with data from every configured storage. Serves the pages and the REST API (docs/api.md, section 3).
 *
 * <pre>{@code
 * WebServer web = WebServer.builder().port(8080).dataDir(Path.of("data"))
 *         .storages(List.of(URI.create("http://127.0.0.1:8081/"))).build();
 * web.start();   // creates the database, and the first admin on first start
 * }</pre>
 */
public final class WebServer implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

    private final Builder config;
    private Database database;
    private Javalin app;
    private Storages storages;
    private Telemetry.Lease telemetry;
    private AlertService alerts;
    private Sender sender;
    private final List<String> routes = new java.util.concurrent.CopyOnWriteArrayList<>();

    private WebServer(Builder config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public synchronized void start() {
        if (app != null) {
            throw new IllegalStateException("web already started");
        }
        database = config.openDatabase();
        try {
            wire();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void wire() {
        routes.clear();
        Clock clock = config.clock;
        UserRepository users = new UserRepository(database.db());
        GroupRepository groups = new GroupRepository(database.db());
        HostRepository hosts = new HostRepository(database.db());
        SessionRepository sessions = new SessionRepository(database.db());
        TokenRepository tokens = new TokenRepository(database.db());
        Secrets secrets = new Secrets(config.passwordCost);
        createFirstAdmin(users, secrets, clock);

        HostRegistry registry = new HostRegistry(hosts, groups, config.hostPatterns, clock);
        HttpClient http = HttpClient.newBuilder().connectTimeout(config.storageTimeout).build();
        storages = new Storages(List.of(), config.storageRefresh, clock, registry::seen);
        StorageCatalog catalog = new StorageCatalog(config.storages, new StorageRepository(database.db()),
                u -> new StorageClient(u, http, config.storageTimeout, config.storageToken), storages, clock);
        catalog.load();
        ViewRepository views = new ViewRepository(database.db());
        DashboardRepository dashboards = new DashboardRepository(database.db());
        EventRepository events = new EventRepository(database.db());
        Access access = new Access(hosts, dashboards, storages::snapshot);
        Auth auth = new Auth(users, sessions, tokens, secrets, new LoginThrottle(config.loginAttempts,
                config.loginAttempts * 4, Duration.ofMinutes(5).toMillis(), clock), clock, config.secureCookies, Duration.ofHours(12));

        HostApi hostApi = new HostApi(access, storages, hosts, clock);
        telemetry = Telemetry.lease(config.telemetry);
        Telemetry served = telemetry.telemetry();
        WebFigures.bind(telemetry.meters(), this, storages, auth);
        app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.startupWatcherEnabled = false;
            c.jsonMapper(new JavalinJackson(Json.mapper(), false));
            // before any route is added, so that every one is listed
            c.events.handlerAdded(h -> {
                if (h.getHttpMethod().isHttpMethod()) {
                    routes.add(h.getHttpMethod().name() + " " + h.getPath());
                }
            });
            c.http.maxRequestSize = 64 * 1024;
            // ctx.ip() is the client behind the trusted proxies, for login throttling and every log line
            c.contextResolver.ip = config.clientAddress::of;
            c.staticFiles.add(s -> {
                s.hostedPath = "/static";
                s.directory = "/public";
                s.location = Location.CLASSPATH;
            });
            RoutesConfig r = c.routes;
            TelemetryRoutes.install(c, served, new HttpErrors("web"));
            r.before(ctx -> {
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("X-Frame-Options", "DENY");
                ctx.header("Referrer-Policy", "same-origin");
                ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:;"
                        + " style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'");
            });
            r.before("/api/*", ctx -> {
                ctx.header("Cache-Control", "no-store");
                String path = ctx.path();
                if (!path.equals("/api/login") && !path.equals("/api/logout") && !path.equals("/api/health")) {
                    auth.guardApi(ctx);
                }
            });
            r.post("/api/login", auth::login);
            r.post("/api/logout", auth::logout);
            r.get("/api/health", ctx -> {
                CheckResult result = check();
                ctx.status(result.ok() ? 200 : 503).json(result);
            });
            new AccountApi(users, tokens, secrets, clock).register(r);
            hostApi.register(r);
            new ViewApi(access, views, dashboards, users, groups, hostApi, storages, clock).register(r);
            new EventApi(access, events, hostApi, clock).register(r);
            new AdminApi(access, users, groups, hosts, sessions, storages, catalog, secrets, clock).register(r);
            wireAlerts(r, access, views, users, clock);
            new Pages(auth, access, dashboards).register(r);
        });
        app.start(config.bind, config.port);
        alerts.start();
        sender.start();
        LOG.info("web listening on http://{}:{}/ with {} storage(s)", config.bind, app.port(),
                storages.clients().size());
    }

    /** The notice sender's counters (sent, failed attempts, given up, held, dropped, unreachable contacts). */
    Map<String, Object> noticeFigures() {
        Sender s = sender;
        return s == null ? Map.of() : s.figures();
    }

    /** The alert feed follower, the notice sender and the alert API (docs/api.md, "Alerts"). */
    private void wireAlerts(RoutesConfig routes, Access access, ViewRepository views, UserRepository users,
            Clock clock) {
        AlertSettings a = config.alertSettings;
        Map<String, Channel> channels = new LinkedHashMap<>();
        if (a.smtp() != null) {
            channels.put("email", new EmailChannel(a.smtp()));
        }
        channels.put("webhook", new WebhookChannel(a.channelTimeout()));
        channels.put("command", new CommandChannel(a.channelTimeout()));
        alerts = new AlertService(storages, database.db(), views, access, users, clock, a.poll(), a.groupWindow());
        Sender.Builder s = Sender.builder().outbox(alerts.outbox()).contacts(alerts.repository()::contact)
                .suppression(alerts.suppression()).clock(clock).retry(a.retryMin(), a.retryMax())
                .giveUp(a.giveUp()).rateLimit(a.maxMessages(), a.rateWindow()).lease(a.lease())
                .link(host -> publicUrl() + (host == null ? "problems" : "problems?host=" + host));
        channels.values().forEach(s::channel);
        sender = s.build();
        alerts.sender(sender);
        new AlertApi(access, alerts, channels, users, clock).register(routes);
    }

    private String publicUrl() {
        String u = config.alertSettings.publicUrl();
        if (u == null || u.isEmpty()) {
            return uri().toString();
        }
        return u.endsWith("/") ? u : u + "/";
    }

    private void createFirstAdmin(UserRepository users, Secrets secrets, Clock clock) {
        if (users.count() > 0) {
            return;
        }
        boolean generated = config.adminPassword == null;
        String password = generated ? Secrets.randomPassword() : config.adminPassword;
        String hash = secrets.hashPassword(password);
        long id = users.create("admin", "", hash, true, true, clock.millis());
        if (generated) {
            users.setPasswordHash(id, hash, true);
        }
        if (generated) {
            config.console.println("Numeter web: created user 'admin' with the one-time password " + password
                    + " ; log in and change it under Account.");
        } else {
            config.console.println("Numeter web: created user 'admin' with the configured password.");
        }
    }

    /** The port listened on: the configured one, or the one chosen when it was 0. */
    public int port() {
        if (app == null) {
            throw new IllegalStateException("web not started");
        }
        return app.port();
    }

    /** Every HTTP route, as {@code "GET /api/hosts"}: the permission tests walk them all. */
    List<String> routes() {
        return List.copyOf(routes);
    }

    /** Where a browser reaches it, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        String host = config.bind.equals("0.0.0.0") || config.bind.equals("::") ? "127.0.0.1" : config.bind;
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /**
     * Hosts whose storage reports no recent update, and hosts several storages hold (merged), at the last refresh:
     * figures for the status and metrics.
     */
    public long staleHosts() {
        return storages.snapshot().staleHosts();
    }

    public long mergedHosts() {
        return storages.snapshot().hosts().values().stream().filter(Storages.Located::merged).count();
    }

    /**
     * Ready when its database answers and at least one storage answers; degraded while some storages are down
     * (named with why) or when none is configured (an admin may add one).
     */
    @Override
    public CheckResult check() {
        Database db = database;
        if (app == null || db == null || !db.isOpen()) {
            return CheckResult.failed("web not started");
        }
        String dbProblem = db.problem();
        if (dbProblem != null) {
            return CheckResult.failed("the web's database does not answer: " + dbProblem);
        }
        List<Storages.Status> all = storages.snapshot().storages();
        // a storage's error names it ("storage http://...: ConnectException")
        List<String> down = all.stream().filter(s -> !s.up()).map(Storages.Status::error).toList();
        if (all.isEmpty()) {
            return CheckResult.degraded("no storage configured: nothing to show until an admin adds one");
        }
        if (down.size() == all.size()) {
            return CheckResult.failed("every storage is down: " + String.join("; ", down));
        }
        // notifications that cannot be sent leave the web able to show everything: degraded, not down
        CheckResult notices = sender == null ? CheckResult.OK : sender.check();
        String failingNotices = notices.ok() && !notices.degraded() ? "" : "; " + notices.detail();
        if (!down.isEmpty()) {
            return CheckResult.degraded(down.size() + " of " + all.size() + " storages down: "
                    + String.join("; ", down) + failingNotices);
        }
        if (!failingNotices.isEmpty()) {
            return CheckResult.degraded(all.size() + " storages up" + failingNotices);
        }
        return new CheckResult(true, all.size() + " storages up");
    }

    @Override
    public synchronized void close() {
        if (sender != null) {
            sender.close();
            sender = null;
        }
        if (alerts != null) {
            alerts.close();
            alerts = null;
        }
        if (app != null) {
            app.stop();
            app = null;
        }
        if (database != null) {
            database.close();
            database = null;
        }
        if (telemetry != null) {
            telemetry.close();
            telemetry = null;
        }
    }

    @Override
    public String toString() {
        return "WebServer{bind=" + config.bind + ", port=" + config.port + ", storages=" + config.storages + "}";
    }

    /** Settings of the web role; every one has a default. */
    public static final class Builder {
        private String bind = "0.0.0.0";
        private int port = 8080;
        private Path dataDir = Path.of("numeter-data", "web");
        private String jdbcUrl;
        private String dbUser = "";
        private String dbPassword = "";
        private List<URI> storages = List.of();
        private String adminPassword;
        private String storageToken;
        private final Map<String, String> hostPatterns = new LinkedHashMap<>();
        private int passwordCost = 12;
        private int loginAttempts = 5;
        private ClientAddress clientAddress = ClientAddress.trusting(List.of());
        private boolean secureCookies;
        private Duration storageRefresh = Duration.ofSeconds(10);
        private Duration storageTimeout = Duration.ofSeconds(5);
        private Clock clock = Clock.systemUTC();
        private PrintStream console = System.out;
        private Telemetry telemetry;
        private AlertSettings alertSettings = AlertSettings.DEFAULTS;

        private Builder() {}

        /**
         * The process's telemetry: the web's figures and check go there, and it serves {@code /health},
         * {@code /ready} and {@code /metrics} from it. By default one of its own.
         */
        public Builder telemetry(Telemetry telemetry) {
            this.telemetry = telemetry;
            return this;
        }

        /** How alerts are followed and notified (SMTP server, windows, retries, rate limit). */
        public Builder alerts(AlertSettings settings) {
            this.alertSettings = Objects.requireNonNull(settings, "alerts");
            return this;
        }

        /** The address to listen on; default {@code 0.0.0.0}. */
        public Builder bind(String bind) {
            this.bind = Objects.requireNonNull(bind, "bind");
            return this;
        }

        /** The port; 0 picks a free one ({@link WebServer#port()} tells which). Default 8080. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("web port " + port + " is not between 0 and 65535");
            }
            this.port = port;
            return this;
        }

        /** Where the embedded H2 database lives when no {@link #database} URL is given. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** A JDBC URL (H2 or PostgreSQL) and its credentials; null URL for the embedded H2 under the data dir. */
        public Builder database(String jdbcUrl, String user, String password) {
            this.jdbcUrl = jdbcUrl;
            this.dbUser = user == null ? "" : user;
            this.dbPassword = password == null ? "" : password;
            return this;
        }

        /** The storages' base URLs, e.g. {@code http://storage1:8081/}. */
        public Builder storages(List<URI> storages) {
            this.storages = List.copyOf(storages);
            return this;
        }

        /** The bearer token the storages require, or null when they require none. */
        public Builder storageToken(String token) {
            this.storageToken = token == null || token.isEmpty() ? null : token;
            return this;
        }

        /** The first admin's password, used only when the database has no user; null prints a random one. */
        public Builder adminPassword(String adminPassword) {
            this.adminPassword = adminPassword;
            return this;
        }

        /** New hosts whose id matches the glob ({@code *}, {@code ?}) are put in the group (created if needed). */
        public Builder hostPattern(String glob, String group) {
            this.hostPatterns.put(Objects.requireNonNull(glob, "glob"), Objects.requireNonNull(group, "group"));
            return this;
        }

        /** bcrypt's cost, 4 to 31; default 12. Tests lower it. */
        public Builder passwordCost(int cost) {
            if (cost < 4 || cost > 31) {
                throw new IllegalArgumentException("password cost " + cost + " is not between 4 and 31");
            }
            this.passwordCost = cost;
            return this;
        }

        /**
         * Failed logins allowed per username within 5 minutes (four times as many per client address, behind the
         * {@link #trustedProxies trusted proxies}); default 5.
         */
        public Builder loginAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("login attempts " + attempts + " must be at least 1");
            }
            this.loginAttempts = attempts;
            return this;
        }

        /**
         * The reverse proxies in front of the web (addresses or CIDR ranges): {@code X-Forwarded-For} is believed
         * only from them, so that login throttling counts each real client, not the proxy everyone comes through.
         * None by default (the header is ignored).
         */
        public Builder trustedProxies(List<String> proxies) {
            this.clientAddress = ClientAddress.trusting(proxies);
            return this;
        }

        /** Marks the session cookie Secure; set it when the web is served over HTTPS. */
        public Builder secureCookies(boolean secure) {
            this.secureCookies = secure;
            return this;
        }

        /** How long the merged host list of the storages is reused; default 10 s. */
        public Builder storageRefresh(Duration refresh) {
            this.storageRefresh = Objects.requireNonNull(refresh, "storageRefresh");
            return this;
        }

        /** How long to wait for a storage; default 5 s. */
        public Builder storageTimeout(Duration timeout) {
            this.storageTimeout = Objects.requireNonNull(timeout, "storageTimeout");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where the first admin's password is printed; default standard output. */
        public Builder console(PrintStream console) {
            this.console = Objects.requireNonNull(console, "console");
            return this;
        }

        /** The database these settings name, opened and migrated: the web's, and {@link WebAdmin}'s. */
        Database openDatabase() {
            return Database.open(jdbcUrl(), dbUser, dbPassword);
        }

        String jdbcUrl() {
            return jdbcUrl != null ? jdbcUrl : "jdbc:h2:file:" + h2File();
        }

        /** The embedded database's file name without H2's {@code .mv.db}, or null when a URL is configured. */
        Path h2File() {
            return jdbcUrl != null ? null : dataDir.toAbsolutePath().resolve("web");
        }

        int passwordCost() {
            return passwordCost;
        }

        Clock clock() {
            return clock;
        }

        public WebServer build() {
            List<URI> copy = new ArrayList<>(storages);
            this.storages = List.copyOf(copy);
            return new WebServer(this);
        }
    }
}
