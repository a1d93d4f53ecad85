package org.numeter.munin;

import org.numeter.model.Names;

/** Munin's plugin and field names made legal Numeter names the way munin cleans them. */
public final class MuninNames {
    private MuninNames() {}

    public static String field(String raw) {
        return Names.isField(raw) ? raw : Names.cleanField(raw);
    }

    public static String plugin(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean ok = c < 128 && Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
            out.append(ok ? c : '_');
        }
        String name = out.toString().replace("..", "__");
        if (name.isEmpty() || name.startsWith(".") || name.startsWith("-")) {
            name = "_" + name;
        }
        return name.length() > 200 ? name.substring(0, 200) : name;
    }
}
