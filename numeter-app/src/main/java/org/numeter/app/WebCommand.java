package org.numeter.app;

import java.util.Map;
import java.util.concurrent.Callable;
import org.numeter.config.Config;
import org.numeter.telemetry.Telemetry;
import org.numeter.web.WebServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code numeter web}: the UI and its REST API, asking the configured storages. */
@Command(name = "web", mixinStandardHelpOptions = true, description = "Runs the web UI.")
final class WebCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        Config config = options.load(Settings.web(), Map.of());
        try (Running running = new Running()) {
            Telemetry telemetry = running.own(Telemetry.create());
            WebServer web = running.start(Roles.web(config).telemetry(telemetry).build());
            System.out.println("numeter web: " + web.uri());
            running.awaitShutdown();
        }
        return 0;
    }
}
