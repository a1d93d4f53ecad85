package org.numeter.app;

import java.util.Map;
import java.util.concurrent.Callable;
import org.numeter.config.Config;
import org.numeter.link.PullServer;
import org.numeter.poller.Poller;
import org.numeter.spool.Spool;
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
            Spool spool = running.own(Roles.pollerSpool(config, host));
            PullServer endpoint = running.start(Roles.pollerEndpoint(config, spool));
            Poller poller = running.start(Roles.poller(config, host, spool));
            System.out.println("numeter poller: " + poller + ", pull endpoint on "
                    + config.get(Settings.POLLER_BIND) + ":" + endpoint.port());
            running.awaitShutdown();
        }
        return 0;
    }
}
