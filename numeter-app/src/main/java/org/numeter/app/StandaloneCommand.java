package org.numeter.app;

import java.util.Map;
import java.util.concurrent.Callable;
import org.numeter.config.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code numeter standalone}: the first thing a new user runs. */
@Command(name = "standalone", mixinStandardHelpOptions = true,
        description = "Runs poller, collector, storage and web in one process, collecting this machine.")
final class StandaloneCommand implements Callable<Integer> {
    /** Faster than a fleet's defaults so that graphs fill at once (DESIGN.md: 10 s for standalone). */
    static final Map<String, String> DEFAULTS = Map.of(
            Settings.POLLER_INTERVAL.name(), "10s",
            Settings.COLLECTOR_INTERVAL.name(), "2s",
            Settings.STORAGE_INTERVAL.name(), "2s",
            Settings.STORAGE_ARCHIVES.name(), "fine",
            Settings.STORAGE_PORT.name(), "0");

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        Config config = options.load(Settings.all(), DEFAULTS);
        try (Running running = new Running()) {
            Standalone standalone = running.start(new Standalone(config));
            System.out.println();
            System.out.println("numeter standalone is collecting " + standalone.host() + " every "
                    + config.get(Settings.POLLER_INTERVAL).toSeconds() + " s into "
                    + config.get(Settings.DATA_DIR).toAbsolutePath());
            System.out.println("open " + browsable(standalone) + " (Ctrl-C stops)");
            System.out.println();
            running.awaitShutdown();
        }
        return 0;
    }

    private static String browsable(Standalone standalone) {
        String uri = standalone.webUri().toString();
        return uri.replace("://0.0.0.0:", "://localhost:");
    }
}
