package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/** The poller's logging writes the lines logback writes for the other roles. */
class PollerLogTest {
    @Test
    void linesAreLogbacksWithItsAbbreviatedLoggerNames() {
        assertThat(PollerLog.abbreviate("org.numeter.poller.SourceRunner", 20)).isEqualTo("o.n.p.SourceRunner");
        assertThat(PollerLog.abbreviate("org.numeter.spool.FileSpool", 20)).isEqualTo("o.n.spool.FileSpool");
        assertThat(PollerLog.abbreviate("org.numeter.poller.Poller", 20)).isEqualTo("o.n.poller.Poller");
        assertThat(PollerLog.abbreviate("Short", 20)).isEqualTo("Short");
        assertThat(PollerLog.format(LocalTime.of(4, 5, 6, 7_000_000), Level.WARN, "o.n.p.SourceRunner", "x", null))
                .isEqualTo("04:05:06.007 WARN  o.n.p.SourceRunner - x" + System.lineSeparator());
    }

    @Test
    void argumentsAreFormattedAThrowableEndsWithItsStackAndLevelsBelowTheThresholdAreLeftOut() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PollerLog.Factory factory = new PollerLog.Factory(PollerLog.threshold("INFO"),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        Logger log = factory.getLogger("org.numeter.poller.Poller");
        log.debug("not {}", "written");
        log.info("plugin {} of {}", "cpu", "web1");
        log.warn("append failed: {}", "disk full", new IllegalStateException("full"));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("not written").contains(" INFO  o.n.poller.Poller - plugin cpu of web1")
                .contains(" WARN  o.n.poller.Poller - append failed: disk full" + System.lineSeparator()
                        + "java.lang.IllegalStateException: full");
        assertThat(log.isDebugEnabled()).isFalse();
        assertThat(log.isInfoEnabled()).isTrue();
    }

    @Test
    void theLevelIsNumeterLogLevelsAndABadOneIsInfo() {
        assertThat(PollerLog.levelName(null)).isEqualTo("INFO");
        assertThat(PollerLog.levelName(" warn ")).isEqualTo("WARN");
        assertThat(PollerLog.levelName("loud")).isEqualTo("INFO");
        assertThat(PollerLog.threshold("OFF")).isGreaterThan(Level.ERROR.toInt());
    }
}
