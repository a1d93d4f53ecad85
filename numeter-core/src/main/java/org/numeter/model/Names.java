package org.numeter.model;

import java.util.regex.Pattern;

/**
 * The rules for host, plugin and field names. They are checked once, here, because names become file names in
 * the storage and identifiers in the web: nothing else needs to escape them.
 */
public final class Names {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,252}");
    private static final Pattern PLUGIN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,199}");
    private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,199}");

    private Names() {}

    public static String requireHost(String host) {
        if (host == null || !HOST.matcher(host).matches() || host.contains("..")) {
            throw new IllegalArgumentException("host '" + host + "' is not a valid host name"
                    + " (letters, digits, '.', '_', '-'; at most 253 characters)");
        }
        return host;
    }

    public static String requirePlugin(String plugin) {
        if (plugin == null || !PLUGIN.matcher(plugin).matches() || plugin.contains("..")) {
            throw new IllegalArgumentException("plugin '" + plugin + "' is not a valid plugin name"
                    + " (letters, digits, '.', '_', '-'; at most 200 characters)");
        }
        return plugin;
    }

    public static String requireField(String field) {
        if (field == null || !FIELD.matcher(field).matches()) {
            throw new IllegalArgumentException("field '" + field + "' is not a valid field name"
                    + " (a letter or '_', then letters, digits or '_')");
        }
        return field;
    }

    public static boolean isField(String field) {
        return field != null && FIELD.matcher(field).matches();
    }

    /** Munin's way of turning any plugin or field name into a legal one: every other character becomes '_'. */
    public static String cleanField(String raw) {
        StringBuilder out = new StringBuilder(raw.length() + 1);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            out.append(ok ? c : '_');
        }
        if (out.isEmpty() || Character.isDigit(out.charAt(0))) {
            out.insert(0, '_');
        }
        return out.length() > 200 ? out.substring(0, 200) : out.toString();
    }
}
