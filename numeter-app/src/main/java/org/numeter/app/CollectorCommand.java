package org.numeter.app;

import java.util.Map;
import java.util.concurrent.Callable;
import org.numeter.collector.Collector;
import org.numeter.collector.PollerAddress;
import org.numeter.config.Config;
import org.numeter.config.ConfigException;
import org.numeter.redis.RedisSpool;
import org.numeter.spool.SpoolReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code numeter collector}: drains its pollers into its spool and serves that spool to storages. */
@Command(name = "collector", mixinStandardHelpOptions = true, description = "Runs a collector.")
final class CollectorCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        Config config = options.load(Settings.collector(), Map.of());
        String pollerToken = config.find(Settings.COLLECTOR_POLLER_TOKEN).orElse(null);
        try (Running running = new Running()) {
            Collector.Builder collector = Collector.builder()
                    .host(Roles.localHost())
                    .spool(running.own(Roles.collectorSpool(config)))
                    .readers(CollectorCommand::redisReader)
                    .pollerToken(pollerToken)
                    .interval(config.get(Settings.COLLECTOR_INTERVAL))
                    .parallelism(config.get(Settings.COLLECTOR_PARALLELISM))
                    .maxClockSkew(config.get(Settings.COLLECTOR_MAX_CLOCK_SKEW))
                    .listen(config.get(Settings.COLLECTOR_BIND), config.get(Settings.COLLECTOR_PORT));
            config.find(Settings.COLLECTOR_TOKEN).ifPresent(collector::token);
            config.find(Settings.COLLECTOR_POLLERS_FILE).ifPresent(collector::pollersFile);
            try {
                collector.pollers(PollerAddress.parseList(config.get(Settings.COLLECTOR_POLLERS),
                        Settings.COLLECTOR_POLLERS.name()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(java.util.List.of(config.source(Settings.COLLECTOR_POLLERS) + ": "
                        + e.getMessage()));
            }
            Collector started = running.start(collector.build());
            System.out.println("numeter collector: " + started + " on " + config.get(Settings.COLLECTOR_BIND) + ":"
                    + started.port());
            running.awaitShutdown();
        }
        return 0;
    }

    /**
     * A poller reached through its Redis spool, as the original design did; null for an HTTP poller, which the
     * collector drains over the pull link on the one HTTP client all its pollers share.
     */
    static SpoolReader redisReader(PollerAddress address) {
        if (!address.url().getScheme().startsWith("redis")) {
            return null;
        }
        return RedisSpool.open(address.url(), "numeter:poller:" + address.host(), Long.MAX_VALUE);
    }
}
