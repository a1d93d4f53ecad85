package org.numeter.app;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.numeter.collector.Collector;
import org.numeter.collector.PollerAddress;
import org.numeter.collector.RegistrationSecret;
import org.numeter.config.Config;
import org.numeter.config.ConfigException;
import org.numeter.model.Names;
import org.numeter.redis.RedisSpool;
import org.numeter.spool.SpoolReader;
import org.numeter.telemetry.Telemetry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code numeter collector}: drains its pollers into its spool and serves that spool to storages. */
@Command(name = "collector", mixinStandardHelpOptions = true, description = "Runs a collector.",
        subcommands = CollectorCommand.TokenCommand.class)
final class CollectorCommand implements Callable<Integer> {
    /** Beside the collector's spool in its data dir. */
    static final String REGISTRATIONS_FILE = "collector-registrations.json";
    /** The registration secret the collector makes when none is configured, in its data dir. */
    static final String REGISTRATION_SECRET_FILE = "collector-registration-secret";

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        Config config = options.load(Settings.collector(), Map.of());
        String pollerToken = config.find(Settings.COLLECTOR_POLLER_TOKEN).orElse(null);
        try (Running running = new Running()) {
            Telemetry telemetry = running.own(Telemetry.create());
            Collector.Builder collector = Collector.builder()
                    .telemetry(telemetry)
                    .host(Roles.collectorId(config))
                    .spool(running.own(Roles.collectorSpool(config)))
                    .readers(CollectorCommand::redisReader)
                    .pollerToken(pollerToken)
                    .interval(config.get(Settings.COLLECTOR_INTERVAL))
                    .silentIntervals(config.get(Settings.COLLECTOR_SILENT_AFTER))
                    .parallelism(config.get(Settings.COLLECTOR_PARALLELISM))
                    .maxClockSkew(config.get(Settings.COLLECTOR_MAX_CLOCK_SKEW))
                    .registrationsFile(config.get(Settings.DATA_DIR).resolve(REGISTRATIONS_FILE))
                    .registrationSecretFile(config.get(Settings.DATA_DIR).resolve(REGISTRATION_SECRET_FILE))
                    .listen(config.get(Settings.COLLECTOR_BIND), config.get(Settings.COLLECTOR_PORT));
            config.find(Settings.COLLECTOR_TOKEN).ifPresent(collector::token);
            config.find(Settings.COLLECTOR_REGISTRATION_SECRET).ifPresent(collector::registrationSecret);
            config.find(Settings.COLLECTOR_POLLERS_FILE).ifPresent(collector::pollersFile);
            try {
                collector.pollers(PollerAddress.parseList(config.get(Settings.COLLECTOR_POLLERS),
                        Settings.COLLECTOR_POLLERS.name()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(List.of(config.source(Settings.COLLECTOR_POLLERS) + ": "
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

    /** {@code numeter collector token <host>}: the registration token of one host, for its poller. */
    @Command(name = "token", mixinStandardHelpOptions = true,
            description = {"Prints the registration token of a host, derived from collector.registration-secret (or the"
                    + " secret the collector made in its data-dir).",
                "Give it to that host's poller only (poller.registration-token): it registers that host and no other."})
    static final class TokenCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "HOST", description = "The host id the poller reports under (poller.host).")
        String host;

        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() throws java.io.IOException {
            Config config = options.load(Settings.collector(), Map.of());
            try {
                Names.requireHost(host);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            java.nio.file.Path made = config.get(Settings.DATA_DIR).resolve(REGISTRATION_SECRET_FILE);
            RegistrationSecret secret = config.find(Settings.COLLECTOR_REGISTRATION_SECRET)
                    .map(RegistrationSecret::of)
                    .or(() -> readQuietly(made))
                    .orElseThrow(() -> new ConfigException(List.of(Settings.COLLECTOR_REGISTRATION_SECRET.name()
                            + " is not set and " + made + " does not exist (or cannot be read): give the collector's"
                            + " configuration (--config, " + Settings.COLLECTOR_REGISTRATION_SECRET.env() + " or"
                            + " --set), or start the collector once so that it makes its secret")));
            spec.commandLine().getOut().println(secret.tokenFor(host));
            return 0;
        }

        private static java.util.Optional<RegistrationSecret> readQuietly(java.nio.file.Path file) {
            try {
                return RegistrationSecret.read(file);
            } catch (java.io.IOException e) {
                return java.util.Optional.empty();
            }
        }
    }
}
