package org.numeter.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RangeTest {

    @Test
    void aSingleNumberIsAMaximum() {
        Range r = Range.parse("80");
        assertThat(r.contains(80)).isTrue();
        assertThat(r.contains(80.01)).isFalse();
        assertThat(r.contains(-1e9)).isTrue();
        assertThat(r.describe(90)).isEqualTo("above 80");
    }

    @Test
    void minColonMaxBoundsBothSides() {
        Range r = Range.parse("10:20");
        assertThat(r.contains(10)).isTrue();
        assertThat(r.contains(20)).isTrue();
        assertThat(r.contains(9.99)).isFalse();
        assertThat(r.contains(20.5)).isFalse();
        assertThat(r.describe(5)).isEqualTo("below 10");
    }

    @Test
    void minColonIsALowerBoundOnly() {
        Range r = Range.parse("0.5:");
        assertThat(r.contains(0.4)).isFalse();
        assertThat(r.contains(1e12)).isTrue();
    }

    @Test
    void colonMaxIsAnUpperBoundOnly() {
        Range r = Range.parse(":100");
        assertThat(r.contains(101)).isFalse();
        assertThat(r.contains(-5)).isTrue();
    }

    @Test
    void negativeNumbersAndSpacesAreRead() {
        Range r = Range.parse(" -10 : -2 ");
        assertThat(r.contains(-10)).isTrue();
        assertThat(r.contains(-1)).isFalse();
        assertThat(Range.parse("1e3").contains(999)).isTrue();
    }

    @Test
    void blankIsNoLimit() {
        assertThat(Range.parse(null)).isNull();
        assertThat(Range.parse("  ")).isNull();
    }

    @Test
    void badLimitsAreRefusedQuotingTheText() {
        for (String bad : new String[] {"x", ":", "1:2:3", "20:10", "1:abc", "NaN", "Infinity", "5%"}) {
            assertThatThrownBy(() -> Range.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(() -> Range.parse("x")).hasMessageContaining("max, min:max, min: or :max");
    }

    @Test
    void aMarginNarrowsEachBoundedSide() {
        Range r = Range.parse("10:100");
        assertThat(r.containsWithin(98, 5, false)).isFalse();
        assertThat(r.containsWithin(95, 5, false)).isTrue();
        assertThat(r.containsWithin(12, 5, false)).isFalse();
        assertThat(r.containsWithin(96, 5, true)).isFalse();
        assertThat(r.containsWithin(95, 5, true)).isTrue();
    }
}
