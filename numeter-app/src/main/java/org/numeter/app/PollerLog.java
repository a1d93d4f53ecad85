package org.numeter.app;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalTime;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The poller's logging: an SLF4J provider of its own that writes the lines {@link LogSetup} gives logback
 * ({@code HH:mm:ss.SSS LEVEL logger - message}, a throwable's stack after it) to stderr, at the level of
 * {@code NUMETER_LOG_LEVEL}. Logback is about 220 classes and 2 MB of a poller's 48 (docs/decisions.md, "Poller
 * footprint"); a poller logs a few lines an hour. Chosen by {@link #choose()} for {@code numeter poller} only, and
 * not when logback is configured from a file ({@code -Dlogback.configurationFile}, a {@code logback.xml} or
 * {@code logback-test.xml} on the class path): the other roles and such a site keep logback.
 */
public final class PollerLog implements SLF4JServiceProvider {
    private static final String PROVIDER = "slf4j.provider";

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private Factory factory;

    public PollerLog() {
        // made by SLF4J, named in slf4j.provider
    }

    /** Makes SLF4J use this provider, unless one is chosen already or logback is configured from a file. */
    static void choose() {
        ClassLoader loader = PollerLog.class.getClassLoader();
        if (System.getProperty(PROVIDER) != null || System.getProperty("logback.configurationFile") != null
                || loader.getResource("logback-test.xml") != null || loader.getResource("logback.xml") != null) {
            return;
        }
        System.setProperty(PROVIDER, PollerLog.class.getName());
        // SLF4J says at INFO which provider it was told to load; a poller's stderr has no use for that line
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        String value = System.getProperty(LogSetup.LEVEL_VARIABLE, System.getenv(LogSetup.LEVEL_VARIABLE));
        factory = new Factory(threshold(levelName(value)), System.err);
    }

    /**
     * The level {@code NUMETER_LOG_LEVEL} names, upper case: INFO when unset; a value that is not a level is said on
     * stderr (logging is not set up yet), and INFO kept. Logback's ({@link LogSetup}) and this provider's.
     */
    static String levelName(String value) {
        if (value == null || value.isBlank()) {
            return "INFO";
        }
        String level = value.trim().toUpperCase(Locale.ROOT);
        return switch (level) {
            case "ALL", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF" -> level;
            default -> {
                System.err.println("numeter: " + LogSetup.LEVEL_VARIABLE + " was '" + value
                        + "' but must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF; using INFO");
                yield "INFO";
            }
        };
    }

    /** The lowest level written, as an SLF4J level's int; above ERROR for OFF. */
    static int threshold(String level) {
        return switch (level) {
            case "TRACE", "ALL" -> Level.TRACE.toInt();
            case "DEBUG" -> Level.DEBUG.toInt();
            case "WARN" -> Level.WARN.toInt();
            case "ERROR" -> Level.ERROR.toInt();
            case "OFF" -> Integer.MAX_VALUE;
            default -> Level.INFO.toInt();
        };
    }

    static final class Factory implements ILoggerFactory {
        private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
        private final int threshold;
        private final PrintStream out;

        Factory(int threshold, PrintStream out) {
            this.threshold = threshold;
            this.out = out;
        }

        @Override
        public Logger getLogger(String name) {
            return loggers.computeIfAbsent(name, n -> new Line(n, this));
        }
    }

    /** One logger: its lines are whole, however many threads write. */
    static final class Line extends AbstractLogger {
        private static final long serialVersionUID = 1L;
        private final transient Factory factory;
        private final String shortName;

        Line(String name, Factory factory) {
            this.name = name;
            this.factory = factory;
            this.shortName = abbreviate(name, 20);
        }

        private boolean on(Level level) {
            return level.toInt() >= factory.threshold;
        }

        @Override
        public boolean isTraceEnabled() {
            return on(Level.TRACE);
        }

        @Override
        public boolean isTraceEnabled(Marker marker) {
            return on(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return on(Level.DEBUG);
        }

        @Override
        public boolean isDebugEnabled(Marker marker) {
            return on(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return on(Level.INFO);
        }

        @Override
        public boolean isInfoEnabled(Marker marker) {
            return on(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return on(Level.WARN);
        }

        @Override
        public boolean isWarnEnabled(Marker marker) {
            return on(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return on(Level.ERROR);
        }

        @Override
        public boolean isErrorEnabled(Marker marker) {
            return on(Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                Throwable throwable) {
            factory.out.print(format(LocalTime.now(), level, shortName,
                    MessageFormatter.basicArrayFormat(pattern, arguments), throwable));
        }
    }

    /** {@code HH:mm:ss.SSS LEVEL logger - message}, the line logback writes with LogSetup's pattern. */
    static String format(LocalTime time, Level level, String logger, String message, Throwable throwable) {
        StringBuilder line = new StringBuilder(64 + (message == null ? 4 : message.length()));
        two(line, time.getHour()).append(':');
        two(line, time.getMinute()).append(':');
        two(line, time.getSecond()).append('.');
        int millis = time.getNano() / 1_000_000;
        line.append(millis < 100 ? (millis < 10 ? "00" : "0") : "").append(millis).append(' ');
        String name = level.toString();
        line.append(name).append(" ".repeat(Math.max(0, 5 - name.length()))).append(' ');
        line.append(logger).append(" - ").append(message).append(System.lineSeparator());
        if (throwable != null) {
            StringWriter stack = new StringWriter();
            throwable.printStackTrace(new PrintWriter(stack));
            line.append(stack);
        }
        return line.toString();
    }

    private static StringBuilder two(StringBuilder b, int n) {
        return b.append(n < 10 ? "0" : "").append(n);
    }

    /**
     * A logger's name in at most {@code most} characters as logback's {@code %logger{20}} writes it: its packages cut
     * to their first letter, from the left, until it fits; the class's own name whole.
     */
    static String abbreviate(String name, int most) {
        if (name.length() <= most) {
            return name;
        }
        String[] parts = name.split("\\.");
        int length = name.length();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            String p = parts[i];
            if (length > most && p.length() > 1) {
                length -= p.length() - 1;
                p = p.substring(0, 1);
            }
            out.append(p).append('.');
        }
        return out.append(parts[parts.length - 1]).toString();
    }
}
