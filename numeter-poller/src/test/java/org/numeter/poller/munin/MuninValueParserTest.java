package org.numeter.poller.munin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.numeter.munin.MuninValueParser.Value;
import org.numeter.munin.MuninValueParser;

class MuninValueParserTest {
    private final List<String> problems = new ArrayList<>();

    private List<Value> parse(String plugin, List<String> lines) {
        return MuninValueParser.parse(plugin, lines, (p, m) -> problems.add(p + ": " + m));
    }

    @Test
    void readsValuesWithAndWithoutTimestampsAndUnknowns() {
        List<Value> values = parse("p", List.of("a.value 42", "b.value 1700000000:0.5", "c.value U",
                "d.value -3e2", "e.value 1700000000:U"));

        assertThat(problems).isEmpty();
        assertThat(values).containsExactly(
                new Value("p", "a", 0, 42),
                new Value("p", "b", 1_700_000_000L, 0.5),
                new Value("p", "c", 0, Double.NaN),
                new Value("p", "d", 0, -300),
                new Value("p", "e", 1_700_000_000L, Double.NaN));
    }

    @Test
    void followsMultigraphSections() {
        List<Value> values = parse("diskstats", Transcript.load("node-transcript.txt").answer("fetch diskstats"));

        assertThat(problems).isEmpty();
        assertThat(values).hasSize(17);
        assertThat(values.get(0)).isEqualTo(new Value("diskstats_latency", "vda_avgwait", 0, 6.05596547403592e-05));
        assertThat(values.get(values.size() - 1))
                .isEqualTo(new Value("diskstats_iops.vda", "avgwrrqsz", 0, 3.51721739130435));
    }

    @Test
    void reportsEachBadLineAndKeepsTheRest() {
        List<Value> values = parse("p", List.of("a.value 1", "what is this", "b.value abc", "c.value x:1",
                ".value 3", "d.value inf", "# a comment", "a.extinfo more on a", "e.value 2"));

        assertThat(values).extracting(Value::field).containsExactly("a", "e");
        assertThat(problems).containsExactly(
                "p: fetch: line 'what is this' is not 'field.value number'",
                "p: fetch: line 'b.value abc': value 'abc' is not a number",
                "p: fetch: line 'c.value x:1': timestamp 'x' is not an epoch second",
                "p: fetch: line '.value 3' is not 'field.value number'",
                "p: fetch: line 'd.value inf': value 'inf' is not a number");
    }
}
