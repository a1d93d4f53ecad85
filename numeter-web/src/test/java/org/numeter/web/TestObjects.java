package org.numeter.web;

import java.util.List;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;

/** The plugins every web test draws: one of each kind of munin graph. */
final class TestObjects {
    private TestObjects() {}

    static Plugin load() {
        return Plugin.builder("load").title("Load average").category("system").vlabel("load")
                .args("--base 1000 -l 0")
                .field(Field.builder("load").label("load").warning("5").critical("10").build())
                .build();
    }

    /** munin's if_: received drawn below the axis, sent above, as one pair. */
    static Plugin network() {
        return Plugin.builder("if_eth0").title("eth0 traffic").category("network").vlabel("bits in (-) / out (+)")
                .args("--base 1000")
                .field(Field.builder("down").label("received").type(FieldType.DERIVE).graph(false).min(0.0).build())
                .field(Field.builder("up").label("bps").type(FieldType.DERIVE).negative("down").min(0.0)
                        .cdef("up,8,*").build())
                .build();
    }

    /** munin's memory: areas stacked in its order, then LINE2 fields drawn from zero over them. */
    static Plugin memory() {
        return Plugin.builder("memory").title("Memory usage").category("system").vlabel("Bytes")
                .args("--base 1024 -l 0").order(List.of("apps", "cache", "free", "committed"))
                .field(Field.builder("committed").label("committed").draw("LINE2").build())
                .field(Field.builder("free").label("free").draw("STACK").colour("00ff00").build())
                .field(Field.builder("cache").label("cache").draw("STACK").build())
                .field(Field.builder("apps").label("apps").draw("AREA").build())
                .field(Field.builder("swap").label("swap").graph(false).build())
                .build();
    }

    /** Markup everywhere a plugin may put text: the pages must show it as text. */
    static Plugin hostile() {
        return Plugin.builder("evil").title("<img src=x onerror=\"window.pwned=1\">").category("<b>cat</b>")
                .vlabel("<script>window.pwned=2</script>")
                .field(Field.builder("x").label("<img src=y onerror=\"window.pwned=3\">").build())
                .build();
    }

    static List<Plugin> all() {
        return List.of(load(), network(), memory());
    }
}
