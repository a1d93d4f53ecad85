package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.collector.RegistrationSecret;
import org.numeter.config.ConfigKey;

class NumeterTest {
    @TempDir
    Path dir;

    private String runFailing(String... args) {
        StringWriter err = new StringWriter();
        int code = Numeter.run(new PrintWriter(err, true), args);
        assertThat(code).as(err.toString()).isEqualTo(2);
        return err.toString();
    }

    @Test
    void badValuesAndUnknownKeysStopStartUpWithEveryProblemNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("poller.conf"), "poller.intervall = 5s\npoller.port = 99999\n");
        String err = runFailing("poller", "--config", file.toString(), "--set", "poller.spool=tape",
                "--set", "data-dir=" + dir);
        assertThat(err)
                .contains("configuration has 3 problems")
                .contains(file + " line 1: unknown key 'poller.intervall' (did you mean 'poller.interval'?)")
                .contains(file + ": poller.port was '99999' but must be between 0 and 65535")
                .contains("option poller.spool was 'tape' but must be one of file, redis, memory");
    }

    @Test
    void versionIsTheBuildsVersion() {
        StringWriter out = new StringWriter();
        int code = Numeter.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "--version");
        assertThat(code).isZero();
        // the pom's version, handed to the test by Maven: what the build wrote, not a constant in the code
        String built = System.getProperty("numeter.expected.version");
        assertThat(built).isNotBlank().doesNotContain("${");
        assertThat(out.toString()).startsWith("numeter " + built + " (Java ");
    }

    @Test
    void aRoleThatCannotStartSaysWhyInAFewLines() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StringWriter err = new StringWriter();
            int code = Numeter.run(new PrintWriter(err, true), "poller", "--set", "data-dir=" + dir,
                    "--set", "poller.port=" + taken.getLocalPort());
            assertThat(code).isEqualTo(1);
            assertThat(err.toString()).startsWith("numeter poller cannot start: ")
                    .contains(String.valueOf(taken.getLocalPort()))
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void anUnknownSourceListsTheKnownOnes() {
        String err = runFailing("poller", "--set", "poller.sources=system,snmp", "--set", "data-dir=" + dir,
                "--set", "poller.port=0");
        // The test class path adds the test-only source counter to the list.
        assertThat(err).contains("source 'snmp' is unknown; known sources: counter, exec, munin, prometheus, system");
    }

    @Test
    void aStorageStepIsWholeSeconds() {
        String err = runFailing("storage", "--set", "storage.step=1500ms", "--set", "data-dir=" + dir);
        assertThat(err).contains("option storage.step was '1500ms' but must be a whole number of seconds");
    }

    @Test
    void theCollectorMintsARegistrationTokenPerHostFromItsSecret() {
        String secret = "a-registration-secret-long-enough";
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Numeter.run(new PrintWriter(out, true), new PrintWriter(err, true), "collector", "token",
                "web1.example.org", "--set", "collector.registration-secret=" + secret);
        assertThat(code).as(err.toString()).isZero();
        String token = out.toString().strip();
        assertThat(token).startsWith("nrt1.").doesNotContain(secret)
                .isEqualTo(RegistrationSecret.of(secret).tokenFor("web1.example.org"))
                .isNotEqualTo(RegistrationSecret.of(secret).tokenFor("web2.example.org"))
                .isNotEqualTo(RegistrationSecret.of(secret + "x").tokenFor("web1.example.org"));

        assertThat(runFailing("collector", "token", "web1")).contains("collector.registration-secret is not set");
        assertThat(runFailing("collector", "token", "../etc", "--set", "collector.registration-secret=" + secret))
                .contains("host '../etc' is not a valid host name");
        assertThat(runFailing("collector", "--set", "collector.registration-secret=short"))
                .contains("collector.registration-secret was (secret) but must have at least 20 characters");
    }

    @Test
    void withoutAConfiguredSecretTheTokenComesFromTheOneTheCollectorMade() throws Exception {
        assertThat(runFailing("collector", "token", "web1", "--set", "data-dir=" + dir))
                .contains("collector.registration-secret is not set and " + dir.resolve("collector-registration-secret")
                        + " does not exist");
        RegistrationSecret made = RegistrationSecret.loadOrCreate(dir.resolve("collector-registration-secret"));
        StringWriter out = new StringWriter();
        int code = Numeter.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "collector",
                "token", "web1", "--set", "data-dir=" + dir);
        assertThat(code).isZero();
        assertThat(out.toString().strip()).isEqualTo(made.tokenFor("web1"));
        assertThat(RegistrationSecret.loadOrCreate(dir.resolve("collector-registration-secret")).tokenFor("web1"))
                .as("made once, then kept").isEqualTo(made.tokenFor("web1"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("collector-registration-secret")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void aKeyOfAnotherRoleIsRefused() {
        String err = runFailing("storage", "--set", "web.port=80");
        assertThat(err).contains("option web.port is not a known key");
    }

    @Test
    void everyKeyHasOneNameAndOneEnvironmentVariable() {
        Set<String> names = new HashSet<>();
        Set<String> envs = new HashSet<>();
        for (ConfigKey<?> key : Settings.all()) {
            assertThat(names.add(key.name())).as(key.name()).isTrue();
            assertThat(envs.add(key.env())).as(key.env()).isTrue();
            assertThat(key.description()).as(key.name()).endsWith(".");
        }
    }

    @Test
    void standaloneDefaultsAreValidValues() {
        for (String name : StandaloneCommand.DEFAULTS.keySet()) {
            assertThat(Settings.all()).extracting(ConfigKey::name).contains(name);
        }
        assertThat(new ConfigOptions().load(Settings.all(), StandaloneCommand.DEFAULTS)
                .get(Settings.POLLER_INTERVAL)).hasSeconds(10);
    }
}
