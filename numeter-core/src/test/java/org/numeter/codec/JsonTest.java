package org.numeter.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.numeter.spool.SpoolStats;
import org.numeter.telemetry.Readiness;

/** The streaming writer writes what the mapper writes, for the documents servers answer. */
class JsonTest {
    enum State { OK, TIMED_OUT }

    record Inner(Long offset, long most, boolean corrected) {}

    record Doc(String host, int count, double ratio, State state, List<String> problems, Inner clock,
            Map<String, Object> extra, Integer missing, String[] names) {}

    @Test
    void writesRecordsMapsListsEnumsAndNullsAsTheMapperDoes() throws Exception {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("a \"quoted\"\nline", 1.5);
        extra.put("none", null);
        extra.put("nested", List.of(Map.of("k", true), 7L));
        Doc doc = new Doc("web1.example.org", 3, 0.25, State.TIMED_OUT, List.of("x", "é ☃"),
                new Inner(null, 60_000, false), extra, null, new String[] {"a", "b"});
        for (Object value : List.of(doc, new SpoolStats(1, 2, 3, 4, 5, 6),
                new Readiness("UP", null, List.of(new Readiness.Check("poller", "UP", "ok"))), Map.of(), List.of())) {
            assertThat(new String(Json.bytes(value), StandardCharsets.UTF_8)).as(value.toString())
                    .isEqualTo(Json.mapper().writeValueAsString(value));
        }
    }

    @Test
    void refusesWhatItWouldHaveToGuess() {
        assertThatThrownBy(() -> Json.bytes(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object");
    }
}
