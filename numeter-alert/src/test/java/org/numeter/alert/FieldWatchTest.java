package org.numeter.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.numeter.model.Field;
import org.numeter.model.FieldType;

class FieldWatchTest {

    private static FieldWatch watch(Field field, Rule... rules) {
        Thresholds t = new RuleBook(List.of(rules)).resolve("h", "p", field, m -> {
            throw new AssertionError(m);
        });
        return new FieldWatch(field, t);
    }

    private static Field gauge(String warning, String critical) {
        return Field.builder("load").warning(warning).critical(critical).build();
    }

    /** The state after each value; a value is NaN for munin's U. */
    private static List<AlertState> run(FieldWatch w, double... values) {
        List<AlertState> out = new ArrayList<>();
        long t = 1000;
        for (double v : values) {
            w.observe(t += 60, v);
            out.add(w.state);
        }
        return out;
    }

    @Test
    void warningThenCriticalThenBack() {
        FieldWatch w = watch(gauge("5", "10"));
        assertThat(run(w, 1, 6, 11, 7, 2)).containsExactly(AlertState.OK, AlertState.WARNING, AlertState.CRITICAL,
                AlertState.WARNING, AlertState.OK);
    }

    @Test
    void aValueOnTheLineIsNotAProblem() {
        assertThat(run(watch(gauge("5", "10")), 5, 10)).containsExactly(AlertState.OK, AlertState.WARNING);
    }

    @Test
    void aLowerLimitAlertsBelow() {
        assertThat(run(watch(gauge("10:", "5:")), 20, 9, 4, 11)).containsExactly(AlertState.OK, AlertState.WARNING,
                AlertState.CRITICAL, AlertState.OK);
    }

    @Test
    void forNPointsWaitsForNConsecutiveValuesOutside() {
        FieldWatch w = watch(gauge("5", null), new Rule("*", "*", "*", null, null, 3, null, "rule 1"));
        assertThat(run(w, 6, 6, 1, 6, 6, 6, 1, 1, 1)).containsExactly(AlertState.OK, AlertState.OK, AlertState.OK,
                AlertState.OK, AlertState.OK, AlertState.WARNING, AlertState.WARNING, AlertState.WARNING,
                AlertState.OK);
    }

    @Test
    void hysteresisKeepsAProblemUntilTheValueIsClearlyBack() {
        FieldWatch w = watch(gauge("80", "90"), new Rule("*", "*", "*", null, null, null, "5", "rule 1"));
        // 81 warns; 79 is back inside 80 but not below 75: still warning; 74 clears it
        assertThat(run(w, 81, 79, 76, 74)).containsExactly(AlertState.WARNING, AlertState.WARNING,
                AlertState.WARNING, AlertState.OK);
        // a value sitting on the line does not flap
        FieldWatch flat = watch(gauge("80", "90"), new Rule("*", "*", "*", null, null, null, "2", "r"));
        assertThat(run(flat, 80.5, 79.5, 80.5, 79.9, 80.1)).containsOnly(AlertState.WARNING);
        // from critical, a value inside critical's margin but above warning is a warning
        FieldWatch c = watch(gauge("80", "90"), new Rule("*", "*", "*", null, null, null, "5", "r"));
        assertThat(run(c, 95, 88, 84, 70)).containsExactly(AlertState.CRITICAL, AlertState.CRITICAL,
                AlertState.WARNING, AlertState.OK);
    }

    @Test
    void percentHysteresisIsAShareOfTheLimit() {
        FieldWatch w = watch(gauge("100", null), new Rule("*", "*", "*", null, null, null, "10%", "r"));
        assertThat(run(w, 101, 95, 89)).containsExactly(AlertState.WARNING, AlertState.WARNING, AlertState.OK);
    }

    @Test
    void unknownAfterMuninsUnknownLimitOfUs() {
        FieldWatch w = watch(gauge("5", "10"));
        assertThat(run(w, 11, Double.NaN, Double.NaN, Double.NaN, 3)).containsExactly(AlertState.CRITICAL,
                AlertState.CRITICAL, AlertState.CRITICAL, AlertState.UNKNOWN, AlertState.OK);
        Field once = Field.builder("x").warning("5").extra("unknown_limit", "1").build();
        assertThat(run(watch(once), 1, Double.NaN)).containsExactly(AlertState.OK, AlertState.UNKNOWN);
    }

    @Test
    void aUBetweenGoodValuesDoesNotCount() {
        assertThat(run(watch(gauge("5", null)), 1, Double.NaN, Double.NaN, 1, Double.NaN, Double.NaN, 1))
                .containsOnly(AlertState.OK);
    }

    @Test
    void countersAreJudgedOnTheirRate() {
        // 600 per minute is 10 per second: over the warning of 5
        Field f = Field.builder("rx").type(FieldType.DERIVE).min(0.0).warning("5").build();
        FieldWatch w = watch(f);
        assertThat(run(w, 0, 60, 120, 720, 780)).containsExactly(AlertState.OK, AlertState.OK, AlertState.OK,
                AlertState.WARNING, AlertState.OK);
    }

    @Test
    void aRateOutsideMinMaxIsUnknownAsInTheRoundRobinFile() {
        Field f = Field.builder("rx").type(FieldType.DERIVE).min(0.0).warning("5").extra("unknown_limit", "1")
                .build();
        // the counter goes back (a reset): a negative rate, refused by min 0
        assertThat(run(watch(f), 1000, 1060, 10)).containsExactly(AlertState.OK, AlertState.OK, AlertState.UNKNOWN);
    }

    @Test
    void aPointAlreadyJudgedBeforeARestartChangesNothing() {
        FieldWatch w = watch(gauge("5", "10"));
        w.state = AlertState.CRITICAL;
        w.judgedUpTo = 1120;
        // the replay of points at 1060 and 1120 (OK then critical) is ignored; 1180 is new
        assertThat(run(w, 1, 11, 1)).containsExactly(AlertState.CRITICAL, AlertState.CRITICAL, AlertState.OK);
    }

    @Test
    void rulesOverrideTheLayersBelowOnlyWhereTheySetSomething() {
        Field f = gauge("5", "10");
        RuleBook book = new RuleBook(List.of(new Rule("web*", "load", "*", "7", null, null, null, "view 3"),
                new Rule("*", "*", "load", null, "none", 2, null, "rule 1"),
                new Rule("db*", "*", "*", null, "50", null, null, "rule 2")));
        Thresholds web = book.resolve("web1", "load", f, m -> {});
        assertThat(web.warning().text()).isEqualTo("7");
        assertThat(web.critical()).isNull();
        assertThat(web.forPoints()).isEqualTo(2);
        Thresholds db = book.resolve("db1", "load", f, m -> {});
        assertThat(db.warning().text()).isEqualTo("5");
        assertThat(db.critical().text()).isEqualTo("50");
        assertThat(db.origin()).isEqualTo("rule 2");
        assertThat(book.resolve("x", "cpu", Field.builder("user").build(), m -> {})).isNull();
    }

    @Test
    void aBadLimitOfAPluginIsReportedAndIgnored() {
        List<String> problems = new ArrayList<>();
        Thresholds t = RuleBook.empty().resolve("h", "p", gauge("x1", "10"), problems::add);
        assertThat(t.warning()).isNull();
        assertThat(t.critical().text()).isEqualTo("10");
        assertThat(problems).containsExactly("host h, plugin p, field load: warning limit 'x1' is not a munin range"
                + " (max, min:max, min: or :max); ignored");
    }

    @Test
    void badRulesAreRefusedNamingTheirAttribute() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Rule("web[", "*", "*", null, null, null, null,
                "rule 4").compile()).hasMessageContaining("rule 4: host pattern 'web['");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Rule("*", "*", "*", "1:x", null, null, null,
                "rule 5").compile()).hasMessageContaining("rule 5: warning limit '1:x'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Rule("*", "*", "*", null, null, 0, null,
                "rule 6").compile()).hasMessageContaining("for 0 points");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Rule("*", "*", "*", null, null, null, "-1",
                "rule 7").compile()).hasMessageContaining("hysteresis '-1'");
    }
}
