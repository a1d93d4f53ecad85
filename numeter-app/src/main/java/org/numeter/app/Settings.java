package org.numeter.app;

import static org.numeter.config.ValueParser.BYTES;
import static org.numeter.config.ValueParser.LIST;
import static org.numeter.config.ValueParser.PATH;
import static org.numeter.config.ValueParser.PORT;
import static org.numeter.config.ValueParser.STRING;
import static org.numeter.config.ValueParser.durationAtLeast;
import static org.numeter.config.ValueParser.integer;
import static org.numeter.config.ValueParser.oneOf;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.numeter.config.ConfigKey;
import org.numeter.config.ValueParser;
import org.numeter.model.Names;

/**
 * The configuration catalogue: every key the launcher reads, with its environment variable, default and meaning.
 * The role modules know nothing of it; the commands map these values onto the roles' builders. The tables in
 * README.md are printed from these constants ({@code numeter config-doc}).
 */
public final class Settings {
    private Settings() {}

    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    // Shared by every role.
    public static final ConfigKey<Path> DATA_DIR = ConfigKey.of("data-dir", "numeter-data", PATH,
            "Directory for spools, round-robin files and the web's embedded database; created when missing.");

    // Poller.
    public static final ConfigKey<String> POLLER_HOST = ConfigKey.of("poller.host", null, STRING,
            "Host id the poller reports under; this machine's fully qualified name when unset.");
    public static final ConfigKey<List<String>> POLLER_SOURCES = ConfigKey.of("poller.sources", "system", LIST,
            "Sources to run, by name: system, munin, exec, prometheus.");
    public static final ConfigKey<Duration> POLLER_INTERVAL = ConfigKey.of("poller.interval", "60s",
            durationAtLeast(ONE_SECOND), "How often every source is collected.");
    public static final ConfigKey<Duration> POLLER_TIMEOUT = ConfigKey.of("poller.timeout", null,
            durationAtLeast(Duration.ofMillis(100)), "Deadline of a source's collection: munin and exec start no"
                    + " plugin after it and return what they have; a source still running 1 s later is abandoned for"
                    + " that cycle and counted. 90 % of poller.interval when unset (9 s at 10 s, 54 s at 60 s), at least 5 s.");
    public static final ConfigKey<Duration> POLLER_PLUGIN_TIMEOUT = ConfigKey.of("poller.plugin-timeout", null,
            durationAtLeast(Duration.ofMillis(100)), "Deadline of one plugin (a munin fetch and its config, an exec"
                    + " run): past it the plugin is abandoned alone (its connection closed, its process tree killed)"
                    + " and counted as timed out; an exec plugin's own 'timeout' in plugin-conf.d comes first. Half of"
                    + " poller.interval when unset (5 s at 10 s, 30 s at 60 s), at least 5 s.");
    public static final ConfigKey<Integer> POLLER_MUNIN_CONNECTIONS = ConfigKey.of("poller.munin.connections", "4",
            integer(1, 64), "Connections to one munin-node at once; a plugin that hangs holds one of them until"
                    + " poller.plugin-timeout.");
    public static final ConfigKey<Integer> POLLER_EXEC_PARALLELISM = ConfigKey.of("poller.exec.parallelism", "4",
            integer(1, 64), "Plugins of one exec directory run at once.");
    public static final ConfigKey<Path> POLLER_EXEC_CONF_DIR = ConfigKey.of("poller.exec.conf-dir",
            "/etc/munin/plugin-conf.d", PATH, "munin-node's plugin configuration for the exec source (user, group,"
                    + " env.*, timeout, [wildcard*] sections), read as munin-node reads it; a missing folder is none.");
    public static final ConfigKey<List<String>> POLLER_MUNIN_NODES = ConfigKey.of("poller.munin.nodes", "", LIST,
            "munin-node addresses (host:port, port 4949 by default) for the munin source.");
    public static final ConfigKey<List<String>> POLLER_EXEC_DIRS = ConfigKey.of("poller.exec.dirs", "", LIST,
            "Directories of munin-compatible plugin executables for the exec source.");
    public static final ConfigKey<List<String>> POLLER_PROMETHEUS_URLS = ConfigKey.of("poller.prometheus.urls", "",
            LIST, "Prometheus text-format endpoints (e.g. http://127.0.0.1:9100/metrics) for the prometheus source.");
    public static final ConfigKey<Integer> POLLER_PROMETHEUS_MAX_FIELDS = ConfigKey.of("poller.prometheus.max-fields",
            "500", integer(1, 100_000), "Series one Prometheus family's plugin keeps over its life: a family whose"
                    + " label sets keep changing gets no more fields past it; the excess is refused, counted and told"
                    + " once.");
    public static final ConfigKey<String> POLLER_MUNIN_PREFIX = ConfigKey.of("poller.munin.prefix", null, STRING,
            "Prefix of the munin and exec sources' plugin names; 'munin_' when the system source also runs (both"
                    + " would report cpu, load, memory...), none otherwise.");
    public static final ConfigKey<String> POLLER_BIND = ConfigKey.of("poller.bind", "127.0.0.1", STRING,
            "Address the poller's pull endpoint listens on; loopback unless a collector elsewhere must reach it.");
    public static final ConfigKey<Integer> POLLER_PORT = ConfigKey.of("poller.port", "4950", PORT,
            "Port of the poller's pull endpoint (0: any free port).");
    public static final ConfigKey<String> POLLER_TOKEN = ConfigKey.secret("poller.token", null, STRING,
            "Bearer token a collector must present; none required when unset.");
    public static final ConfigKey<String> POLLER_COLLECTOR = ConfigKey.of("poller.collector", null, STRING,
            "Collector URL to register with (http://collector1:4951), at start and then every poller.heartbeat; none"
                    + " when unset.");
    public static final ConfigKey<String> POLLER_REGISTRATION_TOKEN = ConfigKey.secret("poller.registration-token",
            null, STRING, "This host's registration token, printed on the collector by 'numeter collector token"
                    + " <host id>'; it registers this host and no other. Unset, a poller on the collector's machine"
                    + " (same data-dir) derives it from the secret the collector made there.");
    public static final ConfigKey<Duration> POLLER_HEARTBEAT = ConfigKey.of("poller.heartbeat", "60s",
            durationAtLeast(ONE_SECOND), "How often the poller registers again with its collector, so that a"
                    + " collector that lost its registrations drains it again.");
    public static final ConfigKey<String> POLLER_ADVERTISE = ConfigKey.of("poller.advertise", null, STRING,
            "URL the collector should use to reach this poller; http://<host id>:<port> when unset.");
    public static final ConfigKey<String> POLLER_LINK = ConfigKey.of("poller.link", "pull", oneOf("pull", "amqp"),
            "How the spool leaves the poller: pull (collectors fetch it over HTTP) or amqp (published to RabbitMQ).");
    public static final ConfigKey<String> POLLER_SPOOL = ConfigKey.of("poller.spool", "file",
            oneOf("file", "redis", "memory"), "Where the poller keeps what it collected until acknowledged.");
    public static final ConfigKey<String> POLLER_SPOOL_REDIS = ConfigKey.of("poller.spool.redis",
            "redis://127.0.0.1:6379", STRING, "Redis server of the redis spool (redis://[:password@]host:port[/db]).");
    public static final ConfigKey<Long> POLLER_SPOOL_MAX = ConfigKey.of("poller.spool.max-bytes", "256MB", BYTES,
            "Spool bound; past it the oldest records are dropped and counted.");
    public static final ConfigKey<Duration> POLLER_MAX_CLOCK_SKEW = ConfigKey.of("poller.max-clock-skew", "1m",
            durationAtLeast(ONE_SECOND), "How far this host's clock may be from its collector's, which the pull link"
                    + " tells at every read; beyond it the poller says so (check, status, one log line) and stamps"
                    + " values with the collector's time, so that none is in the future by more than this.");
    public static final ConfigKey<Long> POLLER_SPOOL_BUFFER = ConfigKey.of("poller.spool.buffer-bytes", "16MB", BYTES,
            "With the redis spool: what Redis refuses while it is away is kept in memory up to this bound, and"
                    + " appended first when it is back; past it the oldest records are dropped and counted.");

    // Collector.
    public static final ConfigKey<List<String>> COLLECTOR_POLLERS = ConfigKey.of("collector.pollers", "", LIST,
            "Pollers to fetch, as host=url pairs (web1=http://web1:4950).");
    public static final ConfigKey<Path> COLLECTOR_POLLERS_FILE = ConfigKey.of("collector.pollers-file", null, PATH,
            "A file of 'host url [token]' lines, reloaded when it changes.");
    public static final ConfigKey<Duration> COLLECTOR_INTERVAL = ConfigKey.of("collector.interval", "30s",
            durationAtLeast(ONE_SECOND), "How often every poller is drained. Half the pollers' interval (60 s), so that"
                    + " with storage.interval a point reaches the files within one poller interval.");
    public static final ConfigKey<Integer> COLLECTOR_PARALLELISM = ConfigKey.of("collector.parallelism", "64",
            integer(1, 10_000), "Pollers drained at once.");
    public static final ConfigKey<String> COLLECTOR_BIND = ConfigKey.of("collector.bind", "127.0.0.1", STRING,
            "Address the collector's endpoints listen on.");
    public static final ConfigKey<Integer> COLLECTOR_PORT = ConfigKey.of("collector.port", "4951", PORT,
            "Port of the collector's pull and registration endpoints (0: any free port).");
    public static final ConfigKey<String> COLLECTOR_TOKEN = ConfigKey.secret("collector.token", null, STRING,
            "Bearer token storages (and operators reading the status) must present to drain the collector; none"
                    + " required when unset. It does not register pollers.");
    public static final ConfigKey<String> COLLECTOR_POLLER_TOKEN = ConfigKey.secret("collector.poller-token", null,
            STRING, "Bearer token the collector presents to configured pollers (collector.pollers, pollers-file)"
                    + " that name none; never sent to a registered poller, which is read with its own.");
    public static final ConfigKey<String> COLLECTOR_REGISTRATION_SECRET = ConfigKey.secret(
            "collector.registration-secret", null, secretAtLeast(20), "Secret each host's registration token is"
                    + " derived from ('numeter collector token <host id>' prints it); at least 20 characters. Unset,"
                    + " the collector makes one at first start and keeps it in"
                    + " <data-dir>/collector-registration-secret.");
    public static final ConfigKey<String> COLLECTOR_ID = ConfigKey.of("collector.id", null, hostId(),
            "Host id the collector's own plugin (numeter_collector) is stored under; '<this machine's name>_collector'"
                    + " when unset, which no poller's default id can be (a machine's name has no '_').");
    public static final ConfigKey<Integer> COLLECTOR_SILENT_AFTER = ConfigKey.of("collector.silent-after", "3",
            integer(1, 10_000), "A poller that sent nothing for this many of its intervals is reported silent"
                    + " (status, the numeter_collector plugin, one log line). Its interval is learned from how often"
                    + " its records arrive, never less than collector.interval.");
    public static final ConfigKey<String> COLLECTOR_SPOOL = ConfigKey.of("collector.spool", "file",
            oneOf("file", "redis", "memory"), "Where the collector keeps what it fetched until a storage has it.");
    public static final ConfigKey<String> COLLECTOR_SPOOL_REDIS = ConfigKey.of("collector.spool.redis",
            "redis://127.0.0.1:6379", STRING, "Redis server of the redis spool (redis://[:password@]host:port[/db]).");
    public static final ConfigKey<Long> COLLECTOR_SPOOL_MAX = ConfigKey.of("collector.spool.max-bytes", "4GB", BYTES,
            "Spool bound; past it the oldest records are dropped and counted.");
    public static final ConfigKey<Duration> COLLECTOR_MAX_CLOCK_SKEW = ConfigKey.of("collector.max-clock-skew", "5m",
            durationAtLeast(ONE_SECOND), "Batches stamped further ahead of the collector's clock are refused and"
                    + " counted per host as future (a poller's clock that jumped ahead).");

    // AMQP link, shared by pollers that publish and storages that consume.
    public static final ConfigKey<URI> AMQP_URI = ConfigKey.secret("amqp.uri",
            "amqp://guest:guest@127.0.0.1:5672", ValueParser.URI,
            "RabbitMQ broker, amqp[s]://user:password@host:port/vhost (the password is never printed).");
    public static final ConfigKey<String> AMQP_EXCHANGE = ConfigKey.of("amqp.exchange", "numeter", STRING,
            "Direct exchange of the AMQP link; queues are <exchange>.shard-<n>.");
    public static final ConfigKey<Integer> AMQP_SHARDS = ConfigKey.of("amqp.shards", "1", integer(1, 1024),
            "How many storages hosts are spread over; every publisher and storage must agree.");

    // Storage.
    public static final ConfigKey<List<String>> STORAGE_COLLECTORS = ConfigKey.of("storage.collectors", "", LIST,
            "Collector URLs to fetch from (http://collector1:4951).");
    public static final ConfigKey<Duration> STORAGE_INTERVAL = ConfigKey.of("storage.interval", "10s",
            durationAtLeast(ONE_SECOND), "How often every collector is drained. With collector.interval (30 s), a"
                    + " point reaches the files within one poller interval (60 s).");
    public static final ConfigKey<String> STORAGE_ARCHIVES = ConfigKey.of("storage.archives", "default",
            oneOf("default", "munin", "fine"),
            "Round-robin layout of new files: default (60 s step), munin (300 s), fine (10 s).");
    public static final ConfigKey<Duration> STORAGE_STEP = ConfigKey.of("storage.step", null,
            wholeSeconds(), "Step of new files when the poller interval is not the archives' own"
                    + " step (60, 300 or 10 s); whole seconds. The tiers keep their counts of steps and rows, so they"
                    + " span proportionally less or more time.");
    public static final ConfigKey<Integer> STORAGE_OPEN_FILES = ConfigKey.of("storage.open-files", null,
            integer(16, 1_000_000), "Round-robin files kept open at once (least recently used are closed); unset:"
                    + " three quarters of the process's limit of open files for updates, 2,000 more for reads.");
    public static final ConfigKey<Duration> STORAGE_WRITE_BEHIND = ConfigKey.of("storage.write-behind", "5m",
            durationAtLeast(Duration.ZERO), "Longest time an update waits in memory before its round-robin file is"
                    + " written (as rrdcached does); every point is in the journal (data-dir/rrd/.journal.*) before it"
                    + " is acknowledged, and replayed after a crash. A new plugin's files are made in the background"
                    + " some seconds after the write that brings it (its points and metadata in the journal until then)."
                    + " A read of a file writes it first; 0s writes every update at once, without a journal.");
    public static final ConfigKey<Long> STORAGE_WRITE_BEHIND_MEMORY = ConfigKey.of("storage.write-behind.memory",
            "128MB", BYTES, "Memory that waiting updates may hold in all; past it the files that waited longest are"
                    + " written first.");
    public static final ConfigKey<Duration> STORAGE_MAX_CLOCK_SKEW = ConfigKey.of("storage.max-clock-skew", "5m",
            durationAtLeast(ONE_SECOND), "Points stamped further ahead of the storage's clock are refused and counted"
                    + " per host as future, so that no clock that jumped ahead blocks a plugin.");
    public static final ConfigKey<Integer> STORAGE_AMQP_SHARD = ConfigKey.of("storage.amqp.shard", null,
            integer(0, 1023), "Shard this storage consumes from RabbitMQ (0 to amqp.shards - 1); none when unset.");
    public static final ConfigKey<String> STORAGE_BIND = ConfigKey.of("storage.bind", "127.0.0.1", STRING,
            "Address the storage API listens on.");
    public static final ConfigKey<Integer> STORAGE_PORT = ConfigKey.of("storage.port", "4952", PORT,
            "Port of the storage API (0: any free port).");
    public static final ConfigKey<String> STORAGE_TOKEN = ConfigKey.secret("storage.token", null, STRING,
            "Bearer token required by the storage API; none required when unset.");
    public static final ConfigKey<Integer> STORAGE_STALE_AFTER = ConfigKey.of("storage.stale-after", "5",
            integer(1, 100_000), "A host whose last update is older than this many steps is reported stale (storage"
                    + " API, the web's host tree and page).");
    public static final ConfigKey<String> STORAGE_COLLECTOR_TOKEN = ConfigKey.secret("storage.collector-token", null,
            STRING, "Bearer token the storage presents to collectors.");

    public static final ConfigKey<Boolean> STORAGE_ALERTS = ConfigKey.of("storage.alerts", "true",
            ValueParser.BOOLEAN, "Judge every point against its limits (the plugin's warning and critical, views'"
                    + " thresholds, the web's rules) and keep alert states and history under data-dir/alerts; a stale"
                    + " host (storage.stale-after) is UNKNOWN, and so is a plugin with limits silent for as many of"
                    + " its own intervals.");
    public static final ConfigKey<Duration> STORAGE_ALERT_RETENTION = ConfigKey.of("storage.alert.retention", "30d",
            durationAtLeast(Duration.ofMinutes(1)), "How long the history of state changes is kept.");

    // Web.
    public static final ConfigKey<String> WEB_BIND = ConfigKey.of("web.bind", "0.0.0.0", STRING,
            "Address the web UI listens on.");
    public static final ConfigKey<Integer> WEB_PORT = ConfigKey.of("web.port", "8080", PORT,
            "Port of the web UI (0: any free port).");
    public static final ConfigKey<List<String>> WEB_STORAGES = ConfigKey.of("web.storages", "http://127.0.0.1:4952",
            LIST, "Storage API URLs the web asks and merges.");
    public static final ConfigKey<String> WEB_STORAGE_TOKEN = ConfigKey.secret("web.storage-token", null, STRING,
            "Bearer token the web presents to storages.");
    public static final ConfigKey<String> WEB_DATABASE_URL = ConfigKey.of("web.database.url", null, STRING,
            "JDBC URL of the web's database; an embedded H2 file under data-dir when unset.");
    public static final ConfigKey<String> WEB_DATABASE_USER = ConfigKey.of("web.database.user", null, STRING,
            "Database user.");
    public static final ConfigKey<String> WEB_DATABASE_PASSWORD = ConfigKey.secret("web.database.password", null,
            STRING, "Database password.");
    public static final ConfigKey<List<String>> WEB_HOST_GROUPS = ConfigKey.of("web.host-groups", "", hostGroups(),
            "New hosts whose id matches a glob join its group: 'web*=webteam, db?.example.org=dba'.");
    public static final ConfigKey<Boolean> WEB_SECURE_COOKIES = ConfigKey.of("web.secure-cookies", "false",
            ValueParser.BOOLEAN, "Marks the session cookie Secure: set it when users reach the web over HTTPS.");
    public static final ConfigKey<List<String>> WEB_TRUSTED_PROXIES = ConfigKey.of("web.trusted-proxies", "",
            trustedProxies(), "Addresses or CIDR ranges of the reverse proxies in front of the web (127.0.0.1,"
                    + " 10.0.0.0/8): X-Forwarded-For is believed only from them, so that login throttling counts each"
                    + " real client; ignored when unset.");
    public static final ConfigKey<String> WEB_ADMIN_PASSWORD = ConfigKey.secret("web.admin-password", null, STRING,
            "Password of the first admin, created at first start; a one-time password is printed when unset.");

    // Web: alert notifications.
    public static final ConfigKey<String> WEB_PUBLIC_URL = ConfigKey.of("web.public-url", null, STRING,
            "The web's address as users reach it (https://numeter.example.org/), for links in notifications; the"
                    + " listening address when unset.");
    public static final ConfigKey<String> WEB_SMTP_HOST = ConfigKey.of("web.smtp.host", null, STRING,
            "SMTP server for e-mail contacts; no e-mail channel when unset.");
    public static final ConfigKey<Integer> WEB_SMTP_PORT = ConfigKey.of("web.smtp.port", "25", PORT,
            "SMTP port (587 for submission with STARTTLS).");
    public static final ConfigKey<String> WEB_SMTP_STARTTLS = ConfigKey.of("web.smtp.starttls", "optional",
            oneOf("off", "optional", "required"), "STARTTLS: off, optional (when offered) or required.");
    public static final ConfigKey<String> WEB_SMTP_USER = ConfigKey.of("web.smtp.user", null, STRING,
            "SMTP user; no authentication when unset.");
    public static final ConfigKey<String> WEB_SMTP_PASSWORD = ConfigKey.secret("web.smtp.password", null, STRING,
            "SMTP password.");
    public static final ConfigKey<String> WEB_SMTP_FROM = ConfigKey.of("web.smtp.from", "numeter@localhost", STRING,
            "Sender address of notification e-mails.");
    public static final ConfigKey<Duration> WEB_ALERT_POLL = ConfigKey.of("web.alert.poll", "2s",
            durationAtLeast(Duration.ofMillis(100)), "How often each storage's alert change feed is read.");
    public static final ConfigKey<Duration> WEB_ALERT_GROUP_WINDOW = ConfigKey.of("web.alert.group-window", "30s",
            durationAtLeast(Duration.ZERO), "Changes of one host within this window make one notification.");
    public static final ConfigKey<Duration> WEB_ALERT_RETRY_MIN = ConfigKey.of("web.alert.retry-min", "10s",
            durationAtLeast(Duration.ofMillis(100)), "First wait after a failed delivery; it doubles each time.");
    public static final ConfigKey<Duration> WEB_ALERT_RETRY_MAX = ConfigKey.of("web.alert.retry-max", "5m",
            durationAtLeast(Duration.ofMillis(100)), "Longest wait between two delivery attempts.");
    public static final ConfigKey<Duration> WEB_ALERT_GIVE_UP = ConfigKey.of("web.alert.give-up", "24h",
            durationAtLeast(ONE_SECOND), "How long a notification is tried before it is given up (and counted).");
    public static final ConfigKey<Integer> WEB_ALERT_MAX_MESSAGES = ConfigKey.of("web.alert.max-messages", "20",
            integer(1, 100_000), "Notifications per contact within web.alert.rate-window; the next ones are held"
                    + " and sent as one summary when the window has room.");
    public static final ConfigKey<Duration> WEB_ALERT_RATE_WINDOW = ConfigKey.of("web.alert.rate-window", "1h",
            durationAtLeast(ONE_SECOND), "Window of the per-contact rate limit.");
    public static final ConfigKey<Duration> WEB_ALERT_CHANNEL_TIMEOUT = ConfigKey.of("web.alert.channel-timeout",
            "10s", durationAtLeast(Duration.ofMillis(100)), "How long an SMTP server, a webhook or a command may take.");
    private static ValueParser<String> secretAtLeast(int characters) {
        return text -> {
            if (text.strip().length() < characters) {
                throw new IllegalArgumentException("must have at least " + characters + " characters");
            }
            return text;
        };
    }

    private static ValueParser<String> hostId() {
        return text -> {
            Names.requireHost(text);
            return text;
        };
    }

    private static ValueParser<Duration> wholeSeconds() {
        ValueParser<Duration> duration = durationAtLeast(ONE_SECOND);
        return text -> {
            Duration d = duration.parse(text);
            if (d.toMillis() % 1000 != 0) {
                throw new IllegalArgumentException("must be a whole number of seconds");
            }
            return d;
        };
    }

    private static ValueParser<List<String>> trustedProxies() {
        return text -> {
            List<String> proxies = LIST.parse(text);
            org.numeter.web.internal.ClientAddress.trusting(proxies); // refuses what is not an address or range
            return proxies;
        };
    }

    private static ValueParser<List<String>> hostGroups() {
        return text -> {
            List<String> pairs = LIST.parse(text);
            for (String p : pairs) {
                int eq = p.lastIndexOf('=');
                if (eq <= 0 || eq == p.length() - 1) {
                    throw new IllegalArgumentException("must be glob=group pairs; '" + p + "' is not one");
                }
            }
            return pairs;
        };
    }

    public static List<ConfigKey<?>> poller() {
        return List.of(DATA_DIR, POLLER_HOST, POLLER_SOURCES, POLLER_INTERVAL, POLLER_TIMEOUT, POLLER_PLUGIN_TIMEOUT,
                POLLER_MUNIN_NODES, POLLER_MUNIN_CONNECTIONS, POLLER_EXEC_DIRS, POLLER_EXEC_PARALLELISM,
                POLLER_EXEC_CONF_DIR, POLLER_PROMETHEUS_URLS, POLLER_PROMETHEUS_MAX_FIELDS, POLLER_MUNIN_PREFIX, POLLER_BIND, POLLER_PORT, POLLER_TOKEN,
                POLLER_COLLECTOR, POLLER_REGISTRATION_TOKEN, POLLER_HEARTBEAT, POLLER_ADVERTISE, POLLER_LINK, AMQP_URI,
                AMQP_EXCHANGE, AMQP_SHARDS, POLLER_SPOOL, POLLER_SPOOL_REDIS, POLLER_SPOOL_MAX, POLLER_SPOOL_BUFFER,
                POLLER_MAX_CLOCK_SKEW);
    }

    public static List<ConfigKey<?>> collector() {
        return List.of(DATA_DIR, COLLECTOR_ID, COLLECTOR_POLLERS, COLLECTOR_POLLERS_FILE, COLLECTOR_INTERVAL,
                COLLECTOR_PARALLELISM, COLLECTOR_BIND, COLLECTOR_PORT, COLLECTOR_TOKEN, COLLECTOR_POLLER_TOKEN,
                COLLECTOR_REGISTRATION_SECRET, COLLECTOR_SILENT_AFTER, COLLECTOR_SPOOL, COLLECTOR_SPOOL_REDIS,
                COLLECTOR_SPOOL_MAX, COLLECTOR_MAX_CLOCK_SKEW);
    }

    public static List<ConfigKey<?>> storage() {
        return List.of(DATA_DIR, STORAGE_COLLECTORS, STORAGE_INTERVAL, STORAGE_ARCHIVES, STORAGE_STEP,
                STORAGE_OPEN_FILES, STORAGE_WRITE_BEHIND, STORAGE_WRITE_BEHIND_MEMORY, STORAGE_MAX_CLOCK_SKEW,
                STORAGE_STALE_AFTER, STORAGE_BIND, STORAGE_PORT,
                STORAGE_TOKEN, STORAGE_COLLECTOR_TOKEN, STORAGE_AMQP_SHARD, AMQP_URI, AMQP_EXCHANGE, AMQP_SHARDS,
                STORAGE_ALERTS, STORAGE_ALERT_RETENTION);
    }

    public static List<ConfigKey<?>> web() {
        return List.of(DATA_DIR, WEB_BIND, WEB_PORT, WEB_STORAGES, WEB_STORAGE_TOKEN, WEB_DATABASE_URL,
                WEB_DATABASE_USER, WEB_DATABASE_PASSWORD, WEB_HOST_GROUPS, WEB_SECURE_COOKIES, WEB_TRUSTED_PROXIES,
                WEB_ADMIN_PASSWORD,
                WEB_PUBLIC_URL, WEB_SMTP_HOST, WEB_SMTP_PORT, WEB_SMTP_STARTTLS, WEB_SMTP_USER, WEB_SMTP_PASSWORD,
                WEB_SMTP_FROM, WEB_ALERT_POLL, WEB_ALERT_GROUP_WINDOW, WEB_ALERT_RETRY_MIN, WEB_ALERT_RETRY_MAX,
                WEB_ALERT_GIVE_UP, WEB_ALERT_MAX_MESSAGES, WEB_ALERT_RATE_WINDOW, WEB_ALERT_CHANNEL_TIMEOUT);
    }

    /** Every key once: what {@code numeter standalone} accepts. */
    public static List<ConfigKey<?>> all() {
        List<ConfigKey<?>> all = new ArrayList<>();
        for (List<ConfigKey<?>> role : List.of(poller(), collector(), storage(), web())) {
            for (ConfigKey<?> k : role) {
                if (!all.contains(k)) {
                    all.add(k);
                }
            }
        }
        return List.copyOf(all);
    }
}
