package org.numeter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    static final ConfigKey<Duration> INTERVAL =
            ConfigKey.of("poller.interval", "60s", ValueParser.durationAtLeast(Duration.ofSeconds(1)), "how often");
    static final ConfigKey<Integer> PORT = ConfigKey.of("poller.port", "4950", ValueParser.PORT, "port");
    static final ConfigKey<String> TOKEN = ConfigKey.secret("poller.token", null, ValueParser.STRING, "token");
    static final List<ConfigKey<?>> KEYS = List.of(INTERVAL, PORT, TOKEN);

    @TempDir
    Path dir;

    @Test
    void defaultsApplyWhenNothingIsSet() {
        Config config = Config.of(KEYS, Map.of());
        assertThat(config.get(INTERVAL)).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.get(PORT)).isEqualTo(4950);
        assertThat(config.find(TOKEN)).isEmpty();
    }

    @Test
    void optionBeatsEnvironmentBeatsFile() throws Exception {
        Path file = Files.writeString(dir.resolve("poller.conf"), "# comment\npoller.interval = 30s\npoller.port = 1\n");
        Config config = Config.load(KEYS, file, Map.of("NUMETER_POLLER_PORT", "2"), Map.of());
        assertThat(config.get(INTERVAL)).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.get(PORT)).isEqualTo(2);
        assertThat(config.source(PORT)).isEqualTo("environment variable NUMETER_POLLER_PORT");
        Config overridden = Config.load(KEYS, file, Map.of("NUMETER_POLLER_PORT", "2"), Map.of("poller.port", "3"));
        assertThat(overridden.get(PORT)).isEqualTo(3);
    }

    @Test
    void allProblemsAreReportedTogether() throws Exception {
        Path file = Files.writeString(dir.resolve("poller.conf"),
                "poller.intervall = 30s\npoller.interval = abc\nnonsense\npoller.token = s3cret\n");
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> Config.load(KEYS, file, Map.of("NUMETER_POLLER_PORT", "99999", "NUMETER_POLLER_TOKEN", ""),
                        Map.of()));
        assertThat(e.problems()).containsExactlyInAnyOrder(
                file + " line 1: unknown key 'poller.intervall' (did you mean 'poller.interval'?)",
                file + " line 3: 'nonsense' is not of the form key = value",
                file + ": poller.interval was 'abc' but must be a duration such as 250ms, 10s, 5m, 1h or 2d",
                "environment variable NUMETER_POLLER_PORT was '99999' but must be between 0 and 65535");
        assertThat(e.getMessage()).doesNotContain("s3cret");
    }

    @Test
    void anUnknownNumeterVariableStopsStartUpLikeAnUnknownKey() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Config.load(KEYS, null,
                Map.of("NUMETER_POLLER_INTERVL", "5s", "NUMETER_SOMETHING", "x", "NUMETERS", "ok", "PATH", "/bin"),
                Map.of()));
        assertThat(e.problems()).containsExactly(
                "environment variable NUMETER_POLLER_INTERVL is not a known key"
                        + " (did you mean NUMETER_POLLER_INTERVAL?)",
                "environment variable NUMETER_SOMETHING is not a known key");
    }

    @Test
    void variablesKnownElsewhereAreLeftAlone() {
        // the launcher's own (NUMETER_JAVA_OPTS) and other roles' keys, when one environment serves several roles
        Config config = Config.load(KEYS, null, Map.of("NUMETER_JAVA_OPTS", "-Xmx1g", "NUMETER_WEB_PORT", "9090",
                "NUMETER_TEST_REDIS", "redis://127.0.0.1:6390", "NUMETER_POLLER_PORT", "2"), Map.of(),
                java.util.Set.of("NUMETER_JAVA_OPTS", "NUMETER_WEB_PORT", "NUMETER_TEST_*"));
        assertThat(config.get(PORT)).isEqualTo(2);
    }

    @Test
    void documentationTableListsEveryKey() {
        assertThat(ConfigDoc.markdownTable(KEYS))
                .contains("| `poller.interval` | `NUMETER_POLLER_INTERVAL` | `60s` | how often |")
                .contains("| `poller.token` | `NUMETER_POLLER_TOKEN` | (none) | token |");
    }
}
