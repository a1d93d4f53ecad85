package org.numeter.app;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.numeter.amqp.AmqpPublisher;
import org.numeter.collector.RegistrationSecret;
import org.numeter.config.Config;
import org.numeter.link.PullServer;
import org.numeter.poller.Poller;
import org.numeter.spool.Spool;
import org.numeter.telemetry.Telemetry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code numeter poller}: collects this host into its spool and serves the spool to a collector. */
@Command(name = "poller", mixinStandardHelpOptions = true, description = "Runs a poller on this host.")
final class PollerCommand implements Callable<Integer> {
    /** The poller's status: each source's figures and each plugin's health (docs/api.md). */
    static final String STATUS = "/poller/v1/status";

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        Config config = options.load(Settings.poller(), Map.of());
        try (Running running = new Running()) {
            start(config, running);
            running.awaitShutdown();
        }
        return 0;
    }

    /**
     * Starts one poller as configured: its spool, pull endpoint, sources, and (with {@code poller.collector}) its
     * registration and heartbeat. What it starts is closed with {@code running}.
     */
    static Poller start(Config config, Running running) throws Exception {
        String host = Roles.pollerHost(config);
        String collector = config.find(Settings.POLLER_COLLECTOR).orElse(null);
        Telemetry telemetry = running.own(Telemetry.withoutMicrometer());
        Spool spool = running.own(Roles.pollerSpool(config, host));
        // The pull endpoint serves the spool's figures even when the spool is published to RabbitMQ, and the
        // process's /health, /ready and /metrics. It opens last, so that what it answers (the poller's check,
        // figures and status) exists from its first request on: a /ready asked before the poller was bound said
        // ready with only the spool's check, and a scrape had no poller figures.
        AtomicReference<Poller> poller = new AtomicReference<>();
        PullServer endpoint = Roles.pollerEndpoint(config, spool, telemetry)
                .json(STATUS, () -> poller.get().status())
                .build();
        if (config.get(Settings.POLLER_LINK).equals("amqp")) {
            Roles.bind(telemetry, running.start(AmqpPublisher.builder()
                    .uri(config.get(Settings.AMQP_URI))
                    .exchange(config.get(Settings.AMQP_EXCHANGE))
                    .shards(config.get(Settings.AMQP_SHARDS))
                    .spool(spool)
                    .interval(config.get(Settings.POLLER_INTERVAL))
                    .build()));
        }
        poller.set(running.start(Roles.poller(config, host, spool, telemetry,
                endpoint.routes()::clockOffsetMillis)));
        running.start(endpoint);
        if (collector != null) {
            URI advertised = URI.create(config.find(Settings.POLLER_ADVERTISE)
                    .orElse("http://" + host + ":" + endpoint.port()));
            Registration registration = running.own(new Registration(URI.create(collector),
                    registrationToken(config, host), host, advertised, config.find(Settings.POLLER_TOKEN).orElse(null),
                    config.get(Settings.POLLER_HEARTBEAT), endpoint.routes()::lastReadMillis));
            registration.start();
        }
        System.out.println("numeter poller: " + poller.get() + ", pull endpoint on " + config.get(Settings.POLLER_BIND)
                + ":" + endpoint.port());
        return poller.get();
    }

    /**
     * This host's registration token: {@code poller.registration-token}, or, on the collector's own machine (the
     * same data dir), the one derived from the secret the collector made there, read at each attempt since the
     * collector may start after the poller. Null while there is neither.
     */
    static Supplier<String> registrationToken(Config config, String host) {
        String configured = config.find(Settings.POLLER_REGISTRATION_TOKEN).orElse(null);
        if (configured != null) {
            return () -> configured;
        }
        Path secretFile = config.get(Settings.DATA_DIR).resolve(CollectorCommand.REGISTRATION_SECRET_FILE);
        return () -> {
            try {
                return RegistrationSecret.read(secretFile).map(s -> s.tokenFor(host)).orElse(null);
            } catch (IOException e) {
                return null;
            }
        };
    }
}
