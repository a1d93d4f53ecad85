package org.numeter.poller.munin;

import java.util.Map;
import org.numeter.poller.Settings;
import org.numeter.poller.Source;
import org.numeter.poller.SourceProvider;

/**
 * {@code munin}: one munin-node. Settings: {@code address} ({@code host:port}, default {@code 127.0.0.1:4949}),
 * {@code host} (the Numeter host id of its batches, default the poller's), {@code plugins} (comma-separated,
 * default all the node lists), {@code timeout} (bound on connecting and on each plugin's answers, default half the
 * interval), {@code connections} (to the node at once, default 4), {@code prefix} (before every plugin name,
 * default none).
 */
public final class MuninSourceProvider implements SourceProvider {
    @Override
    public String name() {
        return "munin";
    }

    @Override
    public Source create(Map<String, String> settings) {
        Settings s = Settings.of("munin", settings, "address", "host", "plugins", "timeout", "connections", "prefix");
        return new MuninSource(s.text("address", "127.0.0.1:4949"), s.text("host", null), s.list("plugins"),
                s.durationOrNull("timeout"), s.integer("connections", MuninSource.DEFAULT_CONNECTIONS, 1, 64),
                s.text("prefix", ""));
    }
}
