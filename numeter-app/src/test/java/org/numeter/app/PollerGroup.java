package org.numeter.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.numeter.config.Config;

/**
 * Test-only launcher: several pollers in one JVM, so that a test of a fleet does not start a JVM per host on a
 * two-core machine. Each is started by {@link PollerCommand#start}, exactly as {@code numeter poller} starts one,
 * with its own settings (host, data dir, port, registration token): each has its own spool and pull endpoint and
 * registers over HTTP with its own heartbeat, as separate processes would.
 *
 * <p>Arguments: each poller's {@code --set key=value} options, followed by {@value #NEXT}.
 */
public final class PollerGroup {
    static final String NEXT = "--next";

    private PollerGroup() {}

    public static void main(String[] args) throws Exception {
        List<Map<String, String>> pollers = new ArrayList<>();
        Map<String, String> current = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(NEXT)) {
                pollers.add(current);
                current = new LinkedHashMap<>();
            } else if (args[i].equals("--set") && i + 1 < args.length) {
                String pair = args[++i];
                int eq = pair.indexOf('=');
                current.put(pair.substring(0, eq), pair.substring(eq + 1));
            } else {
                throw new IllegalArgumentException("PollerGroup: unexpected argument '" + args[i] + "'");
            }
        }
        try (Running running = new Running()) {
            for (Map<String, String> settings : pollers) {
                PollerCommand.start(Config.load(Settings.poller(), null, Map.of(), settings), running);
            }
            running.awaitShutdown();
        }
    }
}
