package org.numeter.munin;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the answer to munin's {@code fetch <plugin>}: {@code <field>.value <number>}, {@code <field>.value
 * <epoch>:<number>}, {@code U} for unknown, and {@code multigraph <name>} switching the graph the next values
 * belong to. A bad line is reported with the plugin and the line, and the other values are kept.
 */
public final class MuninValueParser {
    private MuninValueParser() {}

    /**
     * One value as munin gave it.
     *
     * @param plugin the graph it belongs to
     * @param field the field, cleaned as munin cleans names
     * @param timestamp the epoch second the plugin gave, or 0 for "now"
     * @param value the value, {@link Double#NaN} for unknown
     */
    public record Value(String plugin, String field, long timestamp, double value) {}

    public static List<Value> parse(String plugin, List<String> lines, Problems problems) {
        List<Value> out = new ArrayList<>();
        String current = MuninNames.plugin(plugin);
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                problems.report(current, "fetch: plugin said '" + line + "'");
                continue;
            }
            if (line.startsWith("multigraph ")) {
                current = MuninNames.plugin(line.substring("multigraph ".length()).strip());
                continue;
            }
            int space = line.indexOf(' ');
            String key = space < 0 ? line : line.substring(0, space);
            if (space < 0 || !key.endsWith(".value") || key.length() == ".value".length()) {
                // munin-node with dirtyconfig may mix config lines in; we never ask for it, so anything else
                // is noise from the plugin.
                problems.report(current, "fetch: line '" + line + "' is not 'field.value number'");
                continue;
            }
            String field = MuninNames.field(key.substring(0, key.length() - ".value".length()));
            String text = line.substring(space + 1).strip();
            long timestamp = 0;
            int colon = text.indexOf(':');
            if (colon > 0) {
                try {
                    timestamp = Long.parseLong(text.substring(0, colon));
                } catch (NumberFormatException e) {
                    problems.report(current, "fetch: line '" + line + "': timestamp '" + text.substring(0, colon)
                            + "' is not an epoch second");
                    continue;
                }
                text = text.substring(colon + 1);
            }
            double value;
            if (text.equals("U")) {
                value = Double.NaN;
            } else {
                try {
                    value = Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    problems.report(current, "fetch: line '" + line + "': value '" + text + "' is not a number");
                    continue;
                }
                if (!Double.isFinite(value)) {
                    problems.report(current, "fetch: line '" + line + "': value '" + text + "' is not finite");
                    continue;
                }
            }
            out.add(new Value(current, field, timestamp, value));
        }
        return out;
    }
}
