package org.numeter.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SourcesTest {

    @Test
    void findsSourcesByName() {
        assertThat(Sources.names()).containsExactly("exec", "munin", "prometheus", "system");
        assertThat(Sources.create("system", Map.of()).name()).isEqualTo("system");
    }

    @Test
    void anUnknownNameFailsAndListsTheKnownOnes() {
        assertThatThrownBy(() -> Sources.create("snmp", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("source 'snmp' is unknown; known sources: " + String.join(", ", Sources.names()));
    }

    @Test
    void unknownSettingsAreRejected() {
        assertThatThrownBy(() -> Sources.create("system", Map.of("colour", "blue")))
                .hasMessage("source system: unknown setting(s) [colour]; known: []");
    }
}
