package org.numeter.alert.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.alert.AlertState;
import org.numeter.alert.Change;

class CommandChannelTest {
    @TempDir
    Path dir;

    private final Change change = new Change(4, 1_700_000_000L, 1_700_000_000L, "web1", "load", "load",
            AlertState.WARNING, AlertState.CRITICAL, 12.0, "10", "value 12 critical 10 (above 10) (plugin)");

    private static Contact contact(String command) {
        return new Contact(3, "pager", "command", command, null, Set.of(AlertState.CRITICAL), null, 1L);
    }

    @Test
    void theProblemIsInTheEnvironmentAndTheTextOnStandardInput() throws IOException {
        Path out = dir.resolve("out.txt");
        String command = "{ echo \"$NUMETER_HOST|$NUMETER_PLUGIN|$NUMETER_FIELD|$NUMETER_STATE|$NUMETER_PREVIOUS"
                + "|$NUMETER_VALUE|$NUMETER_THRESHOLD|$NUMETER_DELIVERY|$NUMETER_SUBJECT\"; cat; } > " + out;
        new CommandChannel(Duration.ofSeconds(10)).send(contact(command),
                new Notice(42, "web1", List.of(change), 0, "http://web/problems"));
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo("web1|load|load|CRITICAL|WARNING|12.0|10|42|[Numeter] CRITICAL web1"
                + " load.load");
        assertThat(lines.get(1)).startsWith("CRITICAL web1 load.load (was WARNING) at 2023-11-14T22:13:20Z: value 12");
        assertThat(lines.get(2)).isEqualTo("http://web/problems");
    }

    @Test
    void aFailingCommandIsAFailedDeliveryWithItsOutput() {
        CommandChannel ch = new CommandChannel(Duration.ofSeconds(10));
        assertThatThrownBy(() -> ch.send(contact("echo no route to pager >&2; exit 3"),
                new Notice(1, "web1", List.of(change), 0, null)))
                .isInstanceOf(IOException.class).hasMessageContaining("exited with 3: no route to pager");
    }

    @Test
    void aHangingCommandIsStoppedAtTheTimeout() {
        CommandChannel ch = new CommandChannel(Duration.ofMillis(300));
        assertThatThrownBy(() -> ch.send(contact("exec sleep 30"), new Notice(1, "web1", List.of(change), 0, null)))
                .isInstanceOf(IOException.class).hasMessageContaining("did not end within");
    }
}
