package org.numeter.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.numeter.amqp.AmqpConsumer;
import org.numeter.amqp.AmqpPublisher;
import org.numeter.component.CheckResult;
import org.numeter.alert.AlertEngine;
import org.numeter.config.Config;
import org.numeter.config.ConfigException;
import org.numeter.config.ConfigKey;
import org.numeter.link.PullServer;
import org.numeter.model.Names;
import org.numeter.poller.Poller;
import org.numeter.poller.Source;
import org.numeter.poller.Sources;
import org.numeter.redis.RedisSpool;
import org.numeter.spool.BufferedSpool;
import org.numeter.spool.FileSpool;
import org.numeter.spool.MemorySpool;
import org.numeter.spool.Spool;
import org.numeter.store.Archives;
import org.numeter.telemetry.Telemetry;
import org.numeter.storage.RrdStore;
import org.numeter.time.TimePolicy;
import org.numeter.alert.notify.EmailChannel;
import org.numeter.web.AlertSettings;
import org.numeter.web.WebServer;

/**
 * Maps configuration onto the roles' builders: the one place that knows both the catalogue ({@link Settings})
 * and the roles' APIs. The role commands and {@code standalone} all build their roles here.
 */
final class Roles {
    private Roles() {}

    /**
     * This machine's name as a valid host id: its fully qualified name when DNS gives one, else its host name,
     * else "localhost".
     */
    static String localHost() {
        try {
            InetAddress local = InetAddress.getLocalHost();
            for (String name : List.of(local.getCanonicalHostName(), local.getHostName())) {
                String id = name.toLowerCase(Locale.ROOT);
                if (!id.equals("localhost") && !id.startsWith("localhost.") && isHostId(id)) {
                    return id;
                }
            }
        } catch (UnknownHostException e) {
            // no name resolves: fall through
        }
        return "localhost";
    }

    private static boolean isHostId(String id) {
        try {
            Names.requireHost(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String pollerHost(Config config) {
        String host = config.find(Settings.POLLER_HOST).orElseGet(Roles::localHost);
        try {
            return Names.requireHost(host);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of(config.source(Settings.POLLER_HOST) + ": " + e.getMessage()));
        }
    }

    /**
     * The host id of the collector's own plugin: {@code collector.id}, else this machine's name with
     * {@code _collector}, which no poller's default id (a machine's name, where '_' is not allowed) can be.
     */
    static String collectorId(Config config) {
        return config.find(Settings.COLLECTOR_ID).orElseGet(() -> localHost() + "_collector");
    }

    /** A spool of the kind configured: a directory under data-dir, a Redis list, or memory. */
    static Spool spool(String kind, Path dir, String redisUrl, String redisPrefix, long maxBytes) throws IOException {
        return switch (kind) {
            case "redis" -> RedisSpool.open(URI.create(redisUrl), redisPrefix, maxBytes);
            case "memory" -> new MemorySpool(maxBytes, java.time.Clock.systemUTC());
            default -> FileSpool.builder(dir).maxBytes(maxBytes).durability(FileSpool.Durability.SYNC).open();
        };
    }

    /** The poller's spool; a Redis one keeps what Redis refuses in a bounded buffer until it is back. */
    static Spool pollerSpool(Config config, String host) throws IOException {
        Spool spool = spool(config.get(Settings.POLLER_SPOOL), config.get(Settings.DATA_DIR).resolve("poller-spool"),
                config.get(Settings.POLLER_SPOOL_REDIS), "numeter:poller:" + host,
                config.get(Settings.POLLER_SPOOL_MAX));
        return config.get(Settings.POLLER_SPOOL).equals("redis")
                ? new BufferedSpool(spool, config.get(Settings.POLLER_SPOOL_BUFFER), Clock.systemUTC())
                : spool;
    }

    static Spool collectorSpool(Config config) throws IOException {
        return spool(config.get(Settings.COLLECTOR_SPOOL), config.get(Settings.DATA_DIR).resolve("collector-spool"),
                config.get(Settings.COLLECTOR_SPOOL_REDIS), "numeter:collector:" + localHost(),
                config.get(Settings.COLLECTOR_SPOOL_MAX));
    }

    /** The poller with every configured source; an unknown source name stops start-up listing the known ones. */
    static Poller poller(Config config, String host, Spool spool, Telemetry telemetry) {
        return poller(config, host, spool, telemetry, () -> null);
    }

    /**
     * The poller with every configured source and {@code clockOffset} telling how far its collector's clock is ahead
     * (the pull link's, see {@code poller.max-clock-skew}).
     */
    static Poller poller(Config config, String host, Spool spool, Telemetry telemetry,
            java.util.function.Supplier<Long> clockOffset) {
        Duration interval = config.get(Settings.POLLER_INTERVAL);
        Duration timeout = config.find(Settings.POLLER_TIMEOUT).orElse(Poller.defaultTimeout(interval));
        // The counters' last readings live with the spool, so that the first point after a restart is interpolated
        // to its whole second like the others.
        Poller.Builder poller = Poller.builder().host(host).spool(spool).telemetry(telemetry)
                .clockReference(clockOffset, config.get(Settings.POLLER_MAX_CLOCK_SKEW))
                .counterReadings(config.get(Settings.DATA_DIR).resolve("poller-counters"));
        List<String> problems = new ArrayList<>();
        for (String name : config.get(Settings.POLLER_SOURCES)) {
            try {
                for (Source source : sources(config, name)) {
                    poller.source(source, interval, timeout);
                }
            } catch (IllegalArgumentException e) {
                problems.add(config.source(Settings.POLLER_SOURCES) + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return poller.build();
    }

    static List<Source> sources(Config config, String name) {
        String prefix = config.find(Settings.POLLER_MUNIN_PREFIX)
                .orElse(config.get(Settings.POLLER_SOURCES).contains("system") ? "munin_" : "");
        return switch (name) {
            case "munin" -> each(config, Settings.POLLER_MUNIN_NODES, "127.0.0.1:4949", "munin", "address", prefix,
                    withPluginTimeout(config, Map.of("connections",
                            String.valueOf(config.get(Settings.POLLER_MUNIN_CONNECTIONS)))));
            // Plugins' state (MUNIN_PLUGSTATE) lives with the spool: it survives restarts, and a service's /tmp
            // is private and emptied at every stop.
            case "exec" -> each(config, Settings.POLLER_EXEC_DIRS, "/etc/munin/plugins", "exec", "dir", prefix,
                    withPluginTimeout(config, Map.of(
                            "state.dir", config.get(Settings.DATA_DIR).resolve("plugin-state").toString(),
                            "parallelism", String.valueOf(config.get(Settings.POLLER_EXEC_PARALLELISM)),
                            "conf.dir", config.get(Settings.POLLER_EXEC_CONF_DIR).toString())));
            case "prometheus" -> each(config, Settings.POLLER_PROMETHEUS_URLS, null, "prometheus", "url", "",
                    Map.of("max-fields", String.valueOf(config.get(Settings.POLLER_PROMETHEUS_MAX_FIELDS))));
            default -> List.of(Sources.create(name, Map.of()));
        };
    }

    /** {@code settings} with {@code timeout} when {@code poller.plugin-timeout} is set (else the source derives it). */
    private static Map<String, String> withPluginTimeout(Config config, Map<String, String> settings) {
        Map<String, String> out = new LinkedHashMap<>(settings);
        config.find(Settings.POLLER_PLUGIN_TIMEOUT).ifPresent(t -> out.put("timeout", t.toMillis() + "ms"));
        return out;
    }

    /** One source per configured target (munin node, plugin directory, endpoint). */
    private static List<Source> each(Config config, ConfigKey<List<String>> key, String otherwise, String source,
            String setting, String prefix, Map<String, String> common) {
        List<String> targets = config.get(key);
        if (targets.isEmpty()) {
            if (otherwise == null) {
                throw new IllegalArgumentException("source " + source + " needs " + key.name() + " to be set");
            }
            targets = List.of(otherwise);
        }
        return targets.stream()
                .map(t -> {
                    Map<String, String> settings = new LinkedHashMap<>(common);
                    settings.put(setting, t);
                    if (!prefix.isEmpty()) {
                        settings.put("prefix", prefix);
                    }
                    return Sources.create(source, settings);
                })
                .toList();
    }

    static PullServer.Builder pollerEndpoint(Config config, Spool spool, Telemetry telemetry) {
        PullServer.Builder server = PullServer.builder(spool).telemetry(telemetry)
                .bindAddress(config.get(Settings.POLLER_BIND))
                .port(config.get(Settings.POLLER_PORT));
        config.find(Settings.POLLER_TOKEN).ifPresent(server::token);
        return server;
    }

    static RrdStore rrdStore(Config config) throws IOException {
        RrdStore.Builder b = RrdStore.builder(config.get(Settings.DATA_DIR).resolve("rrd"))
                .archives(archives(config))
                .time(new TimePolicy(Clock.systemUTC(), config.get(Settings.STORAGE_MAX_CLOCK_SKEW)))
                .writeBehind(config.get(Settings.STORAGE_WRITE_BEHIND))
                .writeBehindMemory(config.get(Settings.STORAGE_WRITE_BEHIND_MEMORY));
        config.find(Settings.STORAGE_OPEN_FILES).ifPresent(b::openFiles);
        return b.open();
    }

    /** The storage's alert engine, not started, or null when {@code storage.alerts} is off. */
    static AlertEngine alertEngine(Config config, RrdStore store) {
        if (!config.get(Settings.STORAGE_ALERTS)) {
            return null;
        }
        return AlertEngine.builder(config.get(Settings.DATA_DIR).resolve("alerts"))
                .store(store)
                .silenceIntervals(config.get(Settings.STORAGE_STALE_AFTER))
                .hostSilence(staleAfter(config))
                .retention(config.get(Settings.STORAGE_ALERT_RETENTION))
                .defaultInterval(java.time.Duration.ofSeconds(archives(config).step()))
                .build();
    }

    /** The configured preset, at {@code storage.step} when one is set. */
    static Archives archives(Config config) {
        Archives preset = Archives.named(config.get(Settings.STORAGE_ARCHIVES));
        return config.find(Settings.STORAGE_STEP)
                .map(step -> new Archives(preset.name() + " at " + step.toSeconds() + " s", step.toSeconds(),
                        preset.tiers()))
                .orElse(preset);
    }

    /** {@code storage.stale-after} steps of the archives new files get. */
    static Duration staleAfter(Config config) {
        return Duration.ofSeconds(archives(config).step()).multipliedBy(config.get(Settings.STORAGE_STALE_AFTER));
    }

    static WebServer.Builder web(Config config) {
        Path dataDir = config.get(Settings.DATA_DIR);
        WebServer.Builder web = WebServer.builder()
                .bind(config.get(Settings.WEB_BIND))
                .port(config.get(Settings.WEB_PORT))
                .dataDir(dataDir.resolve("web"))
                .storages(uris(config.get(Settings.WEB_STORAGES), Settings.WEB_STORAGES.name()))
                .storageToken(config.find(Settings.WEB_STORAGE_TOKEN).orElse(null))
                .secureCookies(config.get(Settings.WEB_SECURE_COOKIES))
                .trustedProxies(config.get(Settings.WEB_TRUSTED_PROXIES))
                .adminPassword(config.find(Settings.WEB_ADMIN_PASSWORD).orElse(null))
                .alerts(alertSettings(config));
        config.find(Settings.WEB_DATABASE_URL).ifPresent(url -> web.database(url,
                config.find(Settings.WEB_DATABASE_USER).orElse(null),
                config.find(Settings.WEB_DATABASE_PASSWORD).orElse(null)));
        for (String pair : config.get(Settings.WEB_HOST_GROUPS)) {
            int eq = pair.lastIndexOf('=');
            web.hostPattern(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return web;
    }

    /**
     * A poller's publisher into the process's telemetry. A broker that cannot be reached makes the poller degraded,
     * not unready: it still collects, and its spool holds what waits (that is what the spool is for).
     */
    static AmqpPublisher bind(Telemetry telemetry, AmqpPublisher publisher) {
        telemetry.meters()
                .check("amqp publisher", () -> {
                    CheckResult r = publisher.check();
                    return r.ok() ? r : CheckResult.degraded(r.detail());
                })
                .counter("numeter.amqp.published", "Batches handed to RabbitMQ", publisher::published)
                .counter("numeter.amqp.confirmed", "Batches RabbitMQ confirmed (then released by the spool)",
                        publisher::confirmed)
                .counter("numeter.amqp.publish.failures", "Publishing runs that failed; their pages stay spooled",
                        publisher::failures);
        return publisher;
    }

    /**
     * A storage's alert engine into the process's telemetry. An engine that cannot keep its journal degrades the
     * storage (it still stores every point), and its problems and changes become series.
     */
    static AlertEngine bind(Telemetry telemetry, AlertEngine alerts) {
        if (alerts == null) {
            return null;
        }
        telemetry.meters()
                .check("alerts", () -> {
                    CheckResult r = alerts.check();
                    return r.ok() ? r : CheckResult.degraded(r.detail());
                })
                .gaugeOf("numeter.alert.problems", "Fields in warning or critical state now", alerts::figures,
                        "problems")
                .gaugeOf("numeter.alert.watched.fields", "Fields with warning or critical limits, watched",
                        alerts::figures, "watchedFields")
                .gaugeOf("numeter.alert.rules", "Alert rules configured", alerts::figures, "rules")
                .counterOf("numeter.alert.changes", "State changes (ok, warning, critical, unknown) since start",
                        alerts::figures, "changes")
                .counterOf("numeter.alert.bad.limits", "Limits that could not be read (logged with the plugin)",
                        alerts::figures, "badLimits")
                .counterOf("numeter.alert.journal.failures", "Changes that could not be written to the journal",
                        alerts::figures, "journalFailures");
        return alerts;
    }

    /** A storage's consumer into the process's telemetry: a broker it cannot reach makes the storage not ready. */
    static AmqpConsumer bind(Telemetry telemetry, AmqpConsumer consumer) {
        telemetry.meters()
                .check("amqp consumer", consumer::check)
                .counter("numeter.amqp.received", "Messages taken from the shard's queue (redeliveries again)",
                        consumer::received)
                .counter("numeter.amqp.stored", "Batches from the queue the store stored", consumer::stored);
        return consumer;
    }

    static AlertSettings alertSettings(Config config) {
        EmailChannel.Smtp smtp = config.find(Settings.WEB_SMTP_HOST).map(host -> new EmailChannel.Smtp(host,
                config.get(Settings.WEB_SMTP_PORT), EmailChannel.StartTls.parse(config.get(Settings.WEB_SMTP_STARTTLS)),
                config.find(Settings.WEB_SMTP_USER).orElse(null), config.find(Settings.WEB_SMTP_PASSWORD).orElse(null),
                config.get(Settings.WEB_SMTP_FROM), config.get(Settings.WEB_ALERT_CHANNEL_TIMEOUT))).orElse(null);
        return new AlertSettings(smtp, config.get(Settings.WEB_ALERT_POLL), config.get(Settings.WEB_ALERT_GROUP_WINDOW),
                config.get(Settings.WEB_ALERT_RETRY_MIN), config.get(Settings.WEB_ALERT_RETRY_MAX),
                config.get(Settings.WEB_ALERT_GIVE_UP), config.get(Settings.WEB_ALERT_MAX_MESSAGES),
                config.get(Settings.WEB_ALERT_RATE_WINDOW), java.time.Duration.ofMinutes(2),
                config.get(Settings.WEB_ALERT_CHANNEL_TIMEOUT), config.find(Settings.WEB_PUBLIC_URL).orElse(null));
    }

    static List<URI> uris(List<String> texts, String key) {
        List<String> problems = new ArrayList<>();
        List<URI> out = new ArrayList<>();
        for (String t : texts) {
            try {
                URI uri = URI.create(t);
                if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
                    throw new IllegalArgumentException("not an http:// URL");
                }
                out.add(uri);
            } catch (IllegalArgumentException e) {
                problems.add(key + ": '" + t + "' is not an http:// URL");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return out;
    }
}
