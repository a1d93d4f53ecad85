package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.numeter.config.Config;
import org.numeter.config.ConfigKey;

/**
 * What the Debian package installs, checked without installing it (DebianPackageIT installs it): the example
 * configurations are valid for their role, examples in comments included, and wire the four services of one
 * machine together; the units run the launcher as the numeter user with the configuration and the hardening the
 * package promises.
 */
class DebianPackageFilesTest {
    static final Path DEB = Path.of("src", "deb");
    static final List<String> ROLES = List.of("poller", "collector", "storage", "web");
    private static final Pattern EXAMPLE = Pattern.compile("^#\\s*([a-z][a-z0-9-]*(?:\\.[a-z0-9-]+)*)\\s*=\\s*(.*)$");

    @TempDir
    Path tmp;

    static List<ConfigKey<?>> keys(String role) {
        return switch (role) {
            case "poller" -> Settings.poller();
            case "collector" -> Settings.collector();
            case "storage" -> Settings.storage();
            case "web" -> Settings.web();
            default -> throw new IllegalArgumentException(role);
        };
    }

    private static Config load(String role) {
        return Config.load(keys(role), DEB.resolve("etc").resolve(role + ".conf"), Map.of(), Map.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"poller", "collector", "storage", "web"})
    void exampleConfigurationLoadsForItsRoleWithItsCommentedExamples(String role) throws IOException {
        Path conf = DEB.resolve("etc").resolve(role + ".conf");
        assertThatCode(() -> load(role)).as(conf.toString()).doesNotThrowAnyException();
        assertThat(load(role).get(Settings.DATA_DIR)).isEqualTo(Path.of("/var/lib/numeter"));

        // '# key = value' lines are examples an operator uncomments: each must name a key of this role and parse.
        List<String> lines = Files.readAllLines(conf, StandardCharsets.UTF_8);
        String uncommented = lines.stream().map(l -> {
            Matcher m = EXAMPLE.matcher(l);
            return m.matches() ? m.group(1) + " = " + m.group(2) : l;
        }).collect(Collectors.joining("\n"));
        assertThat(uncommented).as("examples in " + conf).isNotEqualTo(String.join("\n", lines));
        Path examples = Files.writeString(tmp.resolve(role + ".conf"), uncommented);
        assertThatCode(() -> Config.load(keys(role), examples, Map.of(), Map.of())).as("examples in " + conf)
                .doesNotThrowAnyException();
    }

    @Test
    void exampleConfigurationsWireTheFourServicesOfOneMachine() {
        Config poller = load("poller");
        Config collector = load("collector");
        Config storage = load("storage");
        Config web = load("web");
        URI collectorUrl = URI.create("http://127.0.0.1:" + collector.get(Settings.COLLECTOR_PORT));
        URI storageUrl = URI.create("http://127.0.0.1:" + storage.get(Settings.STORAGE_PORT));

        assertThat(URI.create(poller.get(Settings.POLLER_COLLECTOR))).isEqualTo(collectorUrl);
        assertThat(URI.create(poller.get(Settings.POLLER_ADVERTISE)))
                .isEqualTo(URI.create("http://" + poller.get(Settings.POLLER_BIND) + ":"
                        + poller.get(Settings.POLLER_PORT)));
        assertThat(storage.get(Settings.STORAGE_COLLECTORS)).containsExactly(collectorUrl.toString());
        assertThat(web.get(Settings.WEB_STORAGES)).containsExactly(storageUrl.toString());
        // Nothing listens beyond loopback until the operator says so (and sets tokens).
        assertThat(List.of(poller.get(Settings.POLLER_BIND), collector.get(Settings.COLLECTOR_BIND),
                storage.get(Settings.STORAGE_BIND), web.get(Settings.WEB_BIND))).containsOnly("127.0.0.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"poller", "collector", "storage", "web"})
    void unitRunsTheLauncherAsTheNumeterUserHardened(String role) throws IOException {
        SystemdUnit unit = SystemdUnit.read(DEB.resolve("systemd").resolve("numeter-" + role + ".service"));

        assertThat(unit.execStart()).containsExactly("/usr/bin/numeter", role, "--config",
                "/etc/numeter/" + role + ".conf");
        assertThat(unit.service("User")).isEqualTo("numeter");
        assertThat(unit.service("Restart")).isEqualTo("on-failure");
        assertThat(unit.service("ReadWritePaths")).isEqualTo(load(role).get(Settings.DATA_DIR).toString());
        assertThat(unit.service("WorkingDirectory")).isEqualTo("/var/lib/numeter");
        assertThat(unit.service("ProtectSystem")).isEqualTo("strict");
        assertThat(unit.service("NoNewPrivileges")).isEqualTo("yes");
        assertThat(unit.service("PrivateTmp")).isEqualTo("yes");
        // The poller's df must see /home's real file system (see the unit's comment); the others need no home.
        assertThat(unit.service("ProtectHome")).isEqualTo(role.equals("poller") ? "read-only" : "yes");
        assertThat(unit.service("SuccessExitStatus")).isEqualTo("143");
        assertThat(unit.all("Install", "WantedBy")).containsExactly("multi-user.target");
    }
}
