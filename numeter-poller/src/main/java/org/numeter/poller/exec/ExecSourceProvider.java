package org.numeter.poller.exec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.numeter.poller.Settings;
import org.numeter.poller.Source;
import org.numeter.poller.SourceProvider;

/**
 * {@code exec}: one directory of munin plugins. Settings: {@code dir} (required), {@code plugins}
 * (comma-separated, default every executable), {@code timeout} (per plugin run unless its configuration sets one,
 * default half the interval), {@code parallelism} (plugins run at once, default 4), {@code state.dir}
 * ({@code MUNIN_PLUGSTATE}, default {@code <tmp>/numeter-plugin-state}), {@code conf.dir} (munin-node's plugin
 * configuration, default none), {@code host} (default the poller's), {@code env.<NAME>} (an environment variable
 * for every plugin), {@code prefix} (before every plugin name, default none).
 */
public final class ExecSourceProvider implements SourceProvider {
    @Override
    public String name() {
        return "exec";
    }

    @Override
    public Source create(Map<String, String> settings) {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> plain = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith("env.") && k.length() > 4) {
                env.put(k.substring(4), v);
            } else {
                plain.put(k, v);
            }
        });
        Settings s = Settings.of("exec", plain, "dir", "plugins", "timeout", "parallelism", "state.dir", "conf.dir",
                "host", "prefix");
        Path stateDir = Path.of(s.text("state.dir",
                Path.of(System.getProperty("java.io.tmpdir"), "numeter-plugin-state").toString()));
        String conf = s.text("conf.dir", null);
        return new ExecSource(Path.of(s.required("dir")), s.list("plugins"), s.durationOrNull("timeout"),
                s.integer("parallelism", ExecSource.DEFAULT_PARALLELISM, 1, 64), stateDir,
                conf == null ? null : Path.of(conf), s.text("host", null), env, s.text("prefix", ""));
    }
}
