package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The launcher's logging, set up in code: the root level from NUMETER_LOG_LEVEL, chatty libraries quieter. */
class LogSetupTest {
    @Test
    void theRootLevelComesFromTheVariableAndABadOneKeepsInfo() {
        assertThat(LogSetup.rootLevel(null)).isEqualTo(Level.INFO);
        assertThat(LogSetup.rootLevel(" ")).isEqualTo(Level.INFO);
        assertThat(LogSetup.rootLevel("warn")).isEqualTo(Level.WARN);
        assertThat(LogSetup.rootLevel("DEBUG")).isEqualTo(Level.DEBUG);
        assertThat(LogSetup.rootLevel("loud")).isEqualTo(Level.INFO);
    }

    @Test
    void logbackFindsItAndQuietensJettyAndJavalin() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNotNull();
        assertThat(context.getLogger("org.eclipse.jetty").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.javalin.Javalin").getLevel()).isEqualTo(Level.OFF);
    }
}
