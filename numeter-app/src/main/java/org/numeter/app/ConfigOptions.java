package org.numeter.app;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
        return Config.load(withDefaults, file, System.getenv(), overrides, OTHER_VARIABLES);
    }

    /**
     * Not configuration keys, and not mistakes: {@code NUMETER_JAVA_OPTS} is read by the {@code numeter} script
     * (bin/run-jar), never by the JVM; {@code NUMETER_LOG_LEVEL} is the logging's ({@link LogSetup});
     * {@code NUMETER_TEST_*} name the test suites' servers (NUMETER_TEST_REDIS).
     */
    static final List<String> LAUNCHER_VARIABLES =
            List.of("NUMETER_JAVA_OPTS", LogSetup.LEVEL_VARIABLE, "NUMETER_TEST_*");

    /**
     * {@code NUMETER_*} variables that are not a key of the role being started but are not mistakes either: the
     * launcher's own ({@code NUMETER_JAVA_OPTS}, read by the {@code numeter} script) and every other role's keys,
     * since one environment (a container's, an {@code EnvironmentFile}) may serve several roles.
     */
    static final Set<String> OTHER_VARIABLES = otherVariables();

    private static Set<String> otherVariables() {
        Set<String> out = new TreeSet<>(LAUNCHER_VARIABLES);
        Settings.all().forEach(k -> out.add(k.env()));
        return Set.copyOf(out);
    }

    private static <T> ConfigKey<T> rebased(ConfigKey<T> key, String defaultText) {
        return key.withDefault(defaultText);
    }
}
