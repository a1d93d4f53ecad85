package org.numeter.config;

import java.util.Collection;

/** Prints a role's keys as the Property | Env | Default | Description table of its README. */
public final class ConfigDoc {
    private ConfigDoc() {}

    public static String markdownTable(Collection<? extends ConfigKey<?>> keys) {
        StringBuilder out = new StringBuilder("| Property | Env | Default | Description |\n|---|---|---|---|\n");
        for (ConfigKey<?> k : keys) {
            String def = k.defaultText() == null ? "(none)" : k.secret() ? "(secret)" : "`" + k.defaultText() + "`";
            out.append("| `").append(k.name()).append("` | `").append(k.env()).append("` | ")
                    .append(def.equals("``") ? "(empty)" : def).append(" | ")
                    .append(k.description().replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }
}
