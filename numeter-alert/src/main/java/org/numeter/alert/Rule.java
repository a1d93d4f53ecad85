package org.numeter.alert;

/**
 * An administrator's rule, or a view's threshold made into one: for the fields matching three globs, limits and
 * how to apply them. Every attribute but the globs is optional and only what is set overrides the layers below
 * (the plugin's own {@code warning} and {@code critical}, then views' thresholds, then earlier rules).
 *
 * @param hosts host glob ({@code *} and {@code ?})
 * @param plugins plugin glob
 * @param fields field glob
 * @param warning munin range, {@code none} to remove the warning limit, or null to keep the one below
 * @param critical munin range, {@code none}, or null
 * @param forPoints how many consecutive points must agree before the state changes (1 to 1000), or null
 * @param hysteresis how far back inside a limit a value must come to leave a problem: a number in the field's
 *     unit, or a percentage of the limit such as {@code 5%}; or null
 * @param origin who made it, for messages: {@code rule 3}, {@code view 12}
 */
public record Rule(String hosts, String plugins, String fields, String warning, String critical, Integer forPoints,
        String hysteresis, String origin) {

    /** The rule checked and compiled; an {@link IllegalArgumentException} names the first bad attribute. */
    public Compiled compile() {
        String who = origin == null ? "rule" : origin;
        Glob h = Glob.of(hosts, who + ": host");
        Glob p = Glob.of(plugins, who + ": plugin");
        Glob f = Glob.of(fields, who + ": field");
        Limit w = limit(warning, who + ": warning");
        Limit c = limit(critical, who + ": critical");
        if (forPoints != null && (forPoints < 1 || forPoints > 1000)) {
            throw new IllegalArgumentException(who + ": for " + forPoints + " points is not between 1 and 1000");
        }
        double margin = 0;
        boolean percent = false;
        if (hysteresis != null && !hysteresis.isBlank()) {
            String t = hysteresis.trim();
            percent = t.endsWith("%");
            try {
                margin = Double.parseDouble(percent ? t.substring(0, t.length() - 1).trim() : t);
            } catch (NumberFormatException e) {
                margin = -1;
            }
            if (!(margin >= 0) || Double.isInfinite(margin) || (percent && margin > 100)) {
                throw new IllegalArgumentException(who + ": hysteresis '" + hysteresis
                        + "' is not a non-negative number or a percentage (e.g. 2 or 5%)");
            }
        }
        return new Compiled(h, p, f, w, c, forPoints, hysteresis == null || hysteresis.isBlank() ? null : margin,
                percent, who);
    }

    private static Limit limit(String text, String what) {
        if (text == null) {
            return null;
        }
        if (text.isBlank() || text.trim().equalsIgnoreCase("none")) {
            return new Limit(null);
        }
        try {
            return new Limit(Range.parse(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " " + e.getMessage());
        }
    }

    /** A limit a rule sets: a range, or none (the limit is removed). */
    record Limit(Range range) {}

    /** A rule ready to match. */
    public record Compiled(Glob hosts, Glob plugins, Glob fields, Limit warning, Limit critical, Integer forPoints,
            Double hysteresis, boolean percent, String origin) {

        public boolean matches(String host, String plugin, String field) {
            return hosts.matches(host) && plugins.matches(plugin) && fields.matches(field);
        }

        /** Whether it can apply to some field of this host and plugin. */
        public boolean matches(String host, String plugin) {
            return hosts.matches(host) && plugins.matches(plugin);
        }
    }
}
