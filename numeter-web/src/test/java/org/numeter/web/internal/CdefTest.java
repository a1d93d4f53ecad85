package org.numeter.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CdefTest {
    static double eval(String cdef, Map<String, Double> values) {
        return Cdef.parse(cdef).apply(f -> values.getOrDefault(f, Double.NaN));
    }

    @Test
    void munisCommonExpressions() {
        assertThat(eval("up,8,*", Map.of("up", 100.0))).isEqualTo(800.0);
        assertThat(eval("used,free,+", Map.of("used", 3.0, "free", 4.0))).isEqualTo(7.0);
        assertThat(eval("a,1024,/", Map.of("a", 2048.0))).isEqualTo(2.0);
        assertThat(eval("a,UN,0,a,IF", Map.of())).isEqualTo(0.0);
        assertThat(eval("a,UN,0,a,IF", Map.of("a", 5.0))).isEqualTo(5.0);
        assertThat(eval("a,b,MAX", Map.of("a", 5.0, "b", 9.0))).isEqualTo(9.0);
        assertThat(eval("a,8,*", Map.of())).isNaN();
        assertThat(Cdef.parse("up,down,+,8,*").references()).containsExactly("up", "down");
    }

    @Test
    void badExpressionsNameTheProblem() {
        assertThatThrownBy(() -> Cdef.parse("up,8,^")).hasMessage("cdef 'up,8,^': unknown token '^'");
        assertThatThrownBy(() -> Cdef.parse("up,8")).hasMessage("cdef 'up,8' leaves 2 values instead of one");
        assertThatThrownBy(() -> Cdef.parse("up,*")).hasMessage("cdef 'up,*' runs out of values");
    }
}
