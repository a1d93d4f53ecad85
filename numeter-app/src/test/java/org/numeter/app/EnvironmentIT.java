package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code NUMETER_*} environment variables as a real process sees them: a misspelt one stops start-up. */
class EnvironmentIT {
    @TempDir
    Path dir;

    private record Exit(int code, String output) {}

    private Exit numeter(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), Numeter.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        b.environment().keySet().removeIf(k -> k.startsWith("NUMETER_"));
        b.environment().putAll(env);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("numeter did not exit: " + out);
        }
        return new Exit(p.exitValue(), out);
    }

    @Test
    void aMisspeltVariableStopsStartUpAndNamesTheKeyItMeant() throws Exception {
        Exit e = numeter(Map.of("NUMETER_POLLER_INTERVL", "5s", "NUMETER_DATA_DIR", dir.toString()), "poller");
        assertThat(e.code()).as(e.output()).isEqualTo(2);
        assertThat(e.output()).contains("environment variable NUMETER_POLLER_INTERVL is not a known key"
                + " (did you mean NUMETER_POLLER_INTERVAL?)");
    }

    @Test
    void theLaunchersOwnAndOtherRolesVariablesAreNotMistakes() throws Exception {
        // one environment for every role of a machine: the web's key does not stop the poller
        Exit e = numeter(Map.of("NUMETER_JAVA_OPTS", "-Xmx64m", "NUMETER_WEB_PORT", "9090",
                "NUMETER_TEST_REDIS", "redis://127.0.0.1:6379", "NUMETER_LOG_LEVEL", "WARN",
                "NUMETER_DATA_DIR", dir.toString()),
                "poller", "--set", "poller.port=99999");
        assertThat(e.code()).as(e.output()).isEqualTo(2);
        assertThat(e.output()).contains("option poller.port was '99999' but must be between 0 and 65535")
                .contains("configuration has 1 problem").doesNotContain("NUMETER_");
    }
}
