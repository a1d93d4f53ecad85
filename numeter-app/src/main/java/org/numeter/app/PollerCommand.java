package org.numeter.app;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.Callable;
import org.numeter.amqp.AmqpPublisher;
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
    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        Config config = options.load(Settings.poller(), Map.of());
        String host = Roles.pollerHost(config);
        try (Running running = new Running()) {
            Telemetry telemetry = running.own(Telemetry.create());
            Spool spool = running.own(Roles.pollerSpool(config, host));
            // The pull endpoint serves the spool's figures even when the spool is published to RabbitMQ, and the
            // process's /health, /ready and /metrics.
            PullServer endpoint = running.start(Roles.pollerEndpoint(config, spool, telemetry));
            if (config.get(Settings.POLLER_LINK).equals("amqp")) {
                Roles.bind(telemetry, running.start(AmqpPublisher.builder()
                        .uri(config.get(Settings.AMQP_URI))
                        .exchange(config.get(Settings.AMQP_EXCHANGE))
                        .shards(config.get(Settings.AMQP_SHARDS))
                        .spool(spool)
                        .interval(config.get(Settings.POLLER_INTERVAL))
                        .build()));
            }
            Poller poller = running.start(Roles.poller(config, host, spool, telemetry));
            config.find(Settings.POLLER_COLLECTOR).ifPresent(collector -> {
                URI advertised = URI.create(config.find(Settings.POLLER_ADVERTISE)
                        .orElse("http://" + host + ":" + endpoint.port()));
                Registration registration = running.own(new Registration(URI.create(collector),
                        config.find(Settings.POLLER_COLLECTOR_TOKEN).orElse(null), host, advertised,
                        config.find(Settings.POLLER_TOKEN).orElse(null)));
                registration.start();
            });
            System.out.println("numeter poller: " + poller + ", pull endpoint on "
                    + config.get(Settings.POLLER_BIND) + ":" + endpoint.port());
            running.awaitShutdown();
        }
        return 0;
    }
}
