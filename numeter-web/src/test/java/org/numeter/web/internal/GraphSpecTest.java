package org.numeter.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.numeter.model.Field;
import org.numeter.model.Plugin;

class GraphSpecTest {

    @Test
    void aNegativeFieldIsDrawnBelowTheAxisRightAfterItsPartnerInItsColour() {
        Plugin p = Plugin.builder("if_eth0").title("eth0 traffic").vlabel("bits in (-) / out (+)")
                .field(Field.builder("down").label("received").graph(false).build())
                .field(Field.builder("up").label("bps").negative("down").colour("0066b3").warning("900").build())
                .build();
        GraphSpec spec = GraphSpec.of(p);
        assertThat(spec.series()).containsExactly(
                new GraphSpec.Series("up", "bps", "#0066B3", false, 1, false, false),
                new GraphSpec.Series("down", "bps (-)", "#0066B3", false, 1, true, false));
        assertThat(spec.fields()).containsExactly("up", "down");
        assertThat(spec.lines()).containsExactly(new GraphSpec.Line(900, "warning", "bps"));
    }

    @Test
    void theNegativeHalfAlwaysTakesItsPartnersLabel() {
        Plugin p = Plugin.builder("if_err_eth0")
                .field(Field.builder("rcvd").graph(false).build())
                .field(Field.builder("trans").label("errors").negative("rcvd").build())
                .build();
        assertThat(GraphSpec.of(p).labels()).containsExactly("errors", "errors (-)");
        Plugin labelled = Plugin.builder("if_eth0")
                .field(Field.builder("down").label("received").graph(false).build())
                .field(Field.builder("up").label("bps").negative("down").draw("AREA").build())
                .build();
        assertThat(GraphSpec.of(labelled).series()).containsExactly(
                new GraphSpec.Series("up", "bps", "#00CC00", true, 1, false, false),
                new GraphSpec.Series("down", "bps (-)", "#00CC00", true, 1, true, false));
    }

    @Test
    void halvesLabelledAlikeAreToldApartByTheSignAndGraphPeriodIsFilledIn() {
        Plugin p = Plugin.builder("diskstats_iops").vlabel("IOs per ${graph_period} read (-) / write (+)")
                .field(Field.builder("vda_rdio").label("vda").graph(false).build())
                .field(Field.builder("vda_wrio").label("vda").negative("vda_rdio").build())
                .build();
        GraphSpec spec = GraphSpec.of(p);
        assertThat(spec.labels()).containsExactly("vda", "vda (-)");
        assertThat(spec.series()).extracting(GraphSpec.Series::negate).containsExactly(false, true);
        assertThat(spec.vlabel()).isEqualTo("IOs per second read (-) / write (+)");
    }

    @Test
    void orderComesFirstThenTheRestAndGraphNoIsHidden() {
        Plugin p = Plugin.builder("memory").args("--base 1024 --lower-limit 0 --upper-limit 100")
                .order(List.of("apps", "missing", "cache"))
                .field(Field.builder("free").draw("STACK").build())
                .field(Field.builder("cache").draw("STACK").build())
                .field(Field.builder("apps").draw("AREA").build())
                .field(Field.builder("swap").graph(false).build())
                .build();
        GraphSpec spec = GraphSpec.of(p);
        assertThat(spec.fields()).containsExactly("apps", "cache", "free");
        assertThat(spec.series()).extracting(GraphSpec.Series::fill).containsExactly(true, true, true);
        assertThat(spec.series()).extracting(GraphSpec.Series::stack).containsExactly(false, true, true);
        assertThat(spec.series()).extracting(GraphSpec.Series::colour)
                .containsExactly("#00CC00", "#0066B3", "#FF8000");
        assertThat(spec.base()).isEqualTo(1024);
        assertThat(spec.lower()).isEqualTo(0.0);
        assertThat(spec.upper()).isEqualTo(100.0);
        assertThat(spec.logarithmic()).isFalse();
    }

    /** munin's memory plugin: areas stack, the LINE2 fields are plain lines over them, from zero. */
    @Test
    void onlyStackingFieldsStackAndLinesStayLines() {
        Plugin p = Plugin.builder("memory").total("Total")
                .field(Field.builder("apps").draw("AREA").build())
                .field(Field.builder("cache").draw("STACK").build())
                .field(Field.builder("committed").draw("LINE2").build())
                .field(Field.builder("free").draw("AREASTACK").build())
                .field(Field.builder("mapped").build())
                .field(Field.builder("sum").draw("LINESTACK3").build())
                .build();
        GraphSpec spec = GraphSpec.of(p);
        assertThat(spec.series()).extracting(GraphSpec.Series::stack)
                .containsExactly(false, true, false, true, false, true);
        assertThat(spec.series()).extracting(GraphSpec.Series::fill)
                .containsExactly(true, true, false, true, false, false);
        assertThat(spec.series()).extracting(GraphSpec.Series::width).containsExactly(1, 1, 2, 1, 1, 3);
        assertThat(spec.total()).isEqualTo("Total");
    }

    /** rrdtool draws STACK like the element before it: after a line, a line; first of all, an area. */
    @Test
    void stackTakesThePreviousStyle() {
        Plugin p = Plugin.builder("s")
                .field(Field.builder("a").draw("STACK").build())
                .field(Field.builder("b").draw("LINE2").build())
                .field(Field.builder("c").draw("STACK").build())
                .build();
        assertThat(GraphSpec.of(p).series()).containsExactly(
                new GraphSpec.Series("a", "a", "#00CC00", true, 1, false, false),
                new GraphSpec.Series("b", "b", "#0066B3", false, 2, false, false),
                new GraphSpec.Series("c", "c", "#FF8000", false, 2, false, true));
        assertThat(GraphSpec.of(p).total()).isNull();
    }

    @Test
    void lineWidthsLogarithmAndDefaults() {
        Plugin p = Plugin.builder("latency").args("--logarithmic")
                .field(Field.builder("a").draw("LINE2").build())
                .field(Field.builder("b").draw("LINE3").build())
                .field(Field.builder("c").build())
                .build();
        GraphSpec spec = GraphSpec.of(p);
        assertThat(spec.series()).extracting(GraphSpec.Series::width).containsExactly(2, 3, 1);
        assertThat(spec.logarithmic()).isTrue();
        assertThat(spec.base()).isEqualTo(1000);
        assertThat(spec.lower()).isNull();
        assertThat(spec.title()).isEqualTo("latency");
        assertThat(spec.vlabel()).isEmpty();
    }

    @Test
    void warningAndCriticalRangesBecomeOneLinePerBound() {
        Field f = Field.builder("temp").label("Temperature").warning("10:60").critical(":80").build();
        assertThat(GraphSpec.lines(f, "Temperature", false)).containsExactly(
                new GraphSpec.Line(10, "warning", "Temperature"), new GraphSpec.Line(60, "warning", "Temperature"),
                new GraphSpec.Line(80, "critical", "Temperature"));
        Field bad = Field.builder("x").warning("abc").critical("5:").build();
        assertThat(GraphSpec.lines(bad, "x", true)).containsExactly(new GraphSpec.Line(-5, "critical", "x"));
    }

    @Test
    void duplicateLabelsAreMadeUniqueWithTheFieldName() {
        Plugin p = Plugin.builder("dup")
                .field(Field.builder("a").label("same").build())
                .field(Field.builder("b").label("same").build())
                .build();
        assertThat(GraphSpec.of(p).labels()).containsExactly("same", "same [b]");
    }

    @Test
    void aBadColourFallsBackToThePalette() {
        Plugin p = Plugin.builder("c").field(Field.builder("a").colour("red\"><script>").build()).build();
        assertThat(GraphSpec.of(p).series().get(0).colour()).isEqualTo("#00CC00");
    }

    /** munin's cpu: the first field an AREA, the others STACK on it. */
    static Plugin cpu() {
        return Plugin.builder("cpu").title("CPU usage").vlabel("%").args("--base 1000 -r --lower-limit 0 --upper-limit 200")
                .field(Field.builder("system").label("system").draw("AREA").build())
                .field(Field.builder("user").label("user").draw("STACK").build())
                .field(Field.builder("idle").label("idle").draw("STACK").build())
                .build();
    }

    @Test
    void aCombinedGraphKeepsEachPluginsRulesAndStacksOnlyWithinAPlugin() {
        Plugin cpu = cpu();
        Plugin load = Plugin.builder("load").title("Load").vlabel("load")
                .field(Field.builder("load").label("load").warning("5").build()).build();
        GraphSpec spec = GraphSpec.combined("mixed", List.of(
                new GraphSpec.Part("a/cpu", "system", "a system", cpu),
                new GraphSpec.Part("a/cpu", "user", "a user", cpu),
                new GraphSpec.Part("b/cpu", "user", "b user", cpu),
                new GraphSpec.Part("a/load", "load", "a load", load),
                new GraphSpec.Part("c/gone", "x", "c x", null)), List.of());
        assertThat(spec.series()).extracting(GraphSpec.Series::fill).containsExactly(true, true, true, false, false);
        // b's user stands on nothing of its own plugin: from zero
        assertThat(spec.series()).extracting(GraphSpec.Series::stack).containsExactly(false, true, false, false,
                false);
        // one colour per series: b's user takes another than a's
        assertThat(spec.series()).extracting(GraphSpec.Series::colour).doesNotHaveDuplicates();
        assertThat(spec.series().get(0).colour()).isEqualTo(GraphSpec.of(cpu).series().get(0).colour());
        assertThat(spec.lines()).containsExactly(new GraphSpec.Line(5, "warning", "a load"));
        assertThat(spec.upper()).isNull();
        assertThat(spec.vlabel()).isEmpty();

        GraphSpec one = GraphSpec.combined("cpu of a", List.of(new GraphSpec.Part("a/cpu", "system", "s", cpu),
                new GraphSpec.Part("a/cpu", "user", "u", cpu), new GraphSpec.Part("a/cpu", "idle", "i", cpu)),
                List.of());
        assertThat(one.series()).extracting(GraphSpec.Series::stack).containsExactly(false, true, true);
        assertThat(one.upper()).isEqualTo(GraphSpec.of(cpu).upper());
        assertThat(one.vlabel()).isEqualTo("%");
    }

    @Test
    void thePngsLegendWritesValuesAsThePageDoes() {
        assertThat(GraphPng.format(null, 1000)).isEqualTo("-");
        assertThat(GraphPng.format(Double.NaN, 1000)).isEqualTo("-");
        assertThat(GraphPng.format(0.0, 1024)).isEqualTo("0");
        assertThat(GraphPng.format(0.04, 1000)).isEqualTo("0.04");
        assertThat(GraphPng.format(0.00042, 1000)).isEqualTo("0.00042");
        assertThat(GraphPng.format(1536.0, 1024)).isEqualTo("1.50Ki");
        assertThat(GraphPng.format(42_700.0, 1000)).isEqualTo("42.7k");
        assertThat(GraphPng.format(-716.0, 1000)).isEqualTo("-716");
    }
}
