package org.numeter.app;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.numeter.config.Config;
import org.numeter.config.ConfigKey;
import picocli.CommandLine.Option;

/** The options every role command shares: a configuration file and key overrides. */
public final class ConfigOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file of 'key = value' lines (see README.md for the keys).")
    Path file;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Sets one key, above the environment and the file; may be repeated.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /**
     * Loads the keys of a role. {@code defaults} are the command's own defaults (standalone's 10 s interval), which
     * sit above the keys' defaults but below the file, the environment and {@code --set}.
     */
    Config load(Collection<? extends ConfigKey<?>> keys, Map<String, String> defaults) {
        var withDefaults = keys.stream()
                .map(k -> defaults.containsKey(k.name()) ? rebased(k, defaults.get(k.name())) : k)
                .toList();
        return Config.load(withDefaults, file, System.getenv(), overrides);
    }

    private static <T> ConfigKey<T> rebased(ConfigKey<T> key, String defaultText) {
        return key.withDefault(defaultText);
    }
}
