package org.numeter.alert;

import java.util.Locale;

/** The state of one host, plugin and field, munin's four; {@link #severity()} orders them for display. */
public enum AlertState {
    OK(0),
    WARNING(2),
    CRITICAL(3),
    UNKNOWN(1);

    private final int severity;

    AlertState(int severity) {
        this.severity = severity;
    }

    /** OK 0, UNKNOWN 1, WARNING 2, CRITICAL 3: the order a problems page sorts by. */
    public int severity() {
        return severity;
    }

    /** Reads a state name in any case; an unknown name is an {@link IllegalArgumentException} naming it. */
    public static AlertState parse(String text) {
        if (text != null) {
            for (AlertState s : values()) {
                if (s.name().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("state '" + text + "' is not one of OK, WARNING, CRITICAL, UNKNOWN");
    }

    public String lower() {
        return name().toLowerCase(Locale.ROOT);
    }
}
