package org.numeter.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * The launcher's logging, set up in code rather than from a logback.xml: parsing XML loads logback's Joran and the
 * JDK's SAX parser, about 350 classes and 2 MB resident that a poller meant to stay small never uses again
 * (docs/decisions.md, "Poller footprint"). Found by logback through {@code META-INF/services}. A
 * {@code -Dlogback.configurationFile} or a {@code logback.xml} / {@code logback-test.xml} on the class path
 * (numeter-bench has one) still wins: this one then steps aside.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
    /** The environment variable (or system property) that sets the root level; INFO when unset. */
    static final String LEVEL_VARIABLE = "NUMETER_LOG_LEVEL";

    /** Libraries that are chatty at INFO; the launcher reports their failures itself. */
    private static final Map<String, Level> QUIETER = Map.of(
            "org.eclipse.jetty", Level.WARN,
            "io.javalin", Level.WARN,
            // It logs a failed start with its stack; the launcher reports the same failure in one line.
            "io.javalin.Javalin", Level.OFF,
            "com.zaxxer.hikari", Level.WARN,
            "org.flywaydb", Level.WARN);

    public LogSetup() {
        // found and made by logback's ServiceLoader
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader loader = LogSetup.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(rootLevel(System.getProperty(LEVEL_VARIABLE, System.getenv(LEVEL_VARIABLE))));
        root.addAppender(stderr);
        QUIETER.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** INFO when unset; a value that is not a level is said on stderr (logging is not set up yet), and INFO kept. */
    static Level rootLevel(String value) {
        return Level.toLevel(PollerLog.levelName(value), Level.INFO);
    }
}
