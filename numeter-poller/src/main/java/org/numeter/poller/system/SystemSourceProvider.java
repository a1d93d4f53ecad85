package org.numeter.poller.system;

import java.util.Map;
import org.numeter.poller.Settings;
import org.numeter.poller.Source;
import org.numeter.poller.SourceProvider;

/** {@code system}: this host's /proc. It takes no settings. */
public final class SystemSourceProvider implements SourceProvider {
    @Override
    public String name() {
        return "system";
    }

    @Override
    public Source create(Map<String, String> settings) {
        Settings.of("system", settings);
        return new SystemSource();
    }
}
