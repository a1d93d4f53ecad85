package org.numeter.alert;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.numeter.model.Field;

/**
 * Resolves the limits of a field, layer over layer: the plugin's own {@code warning} and {@code critical} (munin's,
 * no configuration), then the rules in their order (views' thresholds first, then the administrator's rules), each
 * overriding only what it sets. A field with no limit left has no thresholds and is not watched.
 */
public final class RuleBook {
    /** munin's default for {@code unknown_limit}. */
    public static final int DEFAULT_UNKNOWN_LIMIT = 3;

    private final List<Rule> rules;
    private final List<Rule.Compiled> compiled;

    /** The rules, compiled; the first bad one stops it with its message. */
    public RuleBook(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        List<Rule.Compiled> c = new ArrayList<>();
        for (Rule r : rules) {
            c.add(r.compile());
        }
        this.compiled = List.copyOf(c);
    }

    public static RuleBook empty() {
        return new RuleBook(List.of());
    }

    public List<Rule> rules() {
        return rules;
    }

    /** Whether some rule may apply to a field of this plugin (so the plugin needs watching even with no limits). */
    public boolean concerns(String host, String plugin) {
        for (Rule.Compiled r : compiled) {
            if (r.matches(host, plugin)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The thresholds of a field, or null when no layer gives it a limit.
     *
     * @param problem told the message of a limit of the plugin's own that munin's syntax does not allow
     */
    public Thresholds resolve(String host, String plugin, Field field, Consumer<String> problem) {
        Range warning = own(field.warning(), host, plugin, field, "warning", problem);
        Range critical = own(field.critical(), host, plugin, field, "critical", problem);
        int forPoints = 1;
        double hysteresis = 0;
        boolean percent = false;
        String origin = "plugin";
        for (Rule.Compiled r : compiled) {
            if (!r.matches(host, plugin, field.name())) {
                continue;
            }
            if (r.warning() != null) {
                warning = r.warning().range();
                origin = r.origin();
            }
            if (r.critical() != null) {
                critical = r.critical().range();
                origin = r.origin();
            }
            if (r.forPoints() != null) {
                forPoints = r.forPoints();
            }
            if (r.hysteresis() != null) {
                hysteresis = r.hysteresis();
                percent = r.percent();
            }
        }
        if (warning == null && critical == null) {
            return null;
        }
        return new Thresholds(warning, critical, forPoints, hysteresis, percent, unknownLimit(field), origin);
    }

    private static Range own(String text, String host, String plugin, Field field, String what,
            Consumer<String> problem) {
        try {
            return Range.parse(text);
        } catch (IllegalArgumentException e) {
            problem.accept("host " + host + ", plugin " + plugin + ", field " + field.name() + ": " + what + " "
                    + e.getMessage() + "; ignored");
            return null;
        }
    }

    private static int unknownLimit(Field field) {
        String v = field.extra().get("unknown_limit");
        if (v != null) {
            try {
                int n = Integer.parseInt(v.trim());
                if (n >= 1 && n <= 1000) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // munin ignores it too: the default applies
            }
        }
        return DEFAULT_UNKNOWN_LIMIT;
    }
}
