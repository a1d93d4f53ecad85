package org.numeter.telemetry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this build, written into {@code build.properties} by Maven's resource filtering from the
 * project's version: {@code numeter --version}, {@code /health} and {@code numeter_build_info} show it.
 */
public final class BuildInfo {
    private static final String VERSION = load();

    private BuildInfo() {}

    /** e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                throw new IllegalStateException("build.properties is missing from numeter-core: a broken build");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            if (v.isBlank() || v.startsWith("${")) {
                throw new IllegalStateException("build.properties has no version ('" + v + "'): a broken build");
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The help of {@code numeter_build_info}, whose one series is 1 with the version as its label. */
    static final String HELP = "The running Numeter's version, as a label";
}
