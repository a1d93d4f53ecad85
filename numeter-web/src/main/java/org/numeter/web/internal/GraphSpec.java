package org.numeter.web.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.numeter.model.Field;
import org.numeter.model.Plugin;

/**
 * How to draw a plugin, decided from its metadata alone, in the terms the browser's dygraphs needs: the series in
 * drawing order, each with its label, colour, fill and sign, plus the axis and the warning and critical lines.
 * Built here, in Java, so that munin's rules are tested once and the page only applies them.
 *
 * @param title the graph title
 * @param vlabel the vertical axis label, or empty
 * @param base 1000 or 1024 (binary unit prefixes)
 * @param logarithmic whether the value axis is logarithmic
 * @param lower the lower limit, or null
 * @param upper the upper limit, or null
 * @param total the legend label of the sum of the drawn fields (munin's {@code graph_total}), or null
 * @param series what is drawn, in order
 * @param lines horizontal warning and critical lines
 */
public record GraphSpec(
        String title,
        String vlabel,
        int base,
        boolean logarithmic,
        Double lower,
        Double upper,
        String total,
        List<Series> series,
        List<Line> lines) {

    /** Munin's default palette, so that a graph looks the same as it did in munin. */
    static final List<String> PALETTE = List.of("00CC00", "0066B3", "FF8000", "FFCC00", "330099", "990099",
            "CCFF00", "FF0000", "808080", "008F00", "00487D", "B35A00", "B38F00", "6B006B", "8FB300", "B30000",
            "BEBEBE", "80FF80", "80C9FF", "FFC080", "FFE680", "AA80FF", "EE00CC", "FF8080", "666600", "FFBFFF",
            "00FFCC", "CC6699", "999900");

    /**
     * One drawn series. Stacking is per series, as in munin: a stacking series is drawn on top of the previous
     * series on its side of the axis, every other series from zero; a filled one fills down to what it stands on.
     *
     * @param field the field whose values it shows
     * @param label its series name, unique within the graph; the {@code negative} half of a pair gets its
     *     partner's label and " (-)", the legend shows the pair as one entry under the partner's label
     * @param colour a {@code #rrggbb} colour
     * @param fill whether the area under it is filled
     * @param width the line width in pixels
     * @param negate whether values are drawn below the axis (the {@code negative} half of an in/out pair, which
     *     always comes right after its partner)
     * @param stack whether it is drawn on top of the previous series of its side (STACK, AREASTACK, LINESTACK)
     */
    public record Series(String field, String label, String colour, boolean fill, int width, boolean negate,
            boolean stack) {}

    /**
     * A horizontal line.
     *
     * @param value where
     * @param kind {@code warning} or {@code critical}
     * @param label the field it belongs to
     */
    public record Line(double value, String kind, String label) {}

    /** The fields to ask the storage for, in series order. */
    public List<String> fields() {
        return series.stream().map(Series::field).toList();
    }

    public List<String> labels() {
        return series.stream().map(Series::label).toList();
    }

    public static GraphSpec of(Plugin plugin) {
        Map<String, Field> byName = new LinkedHashMap<>();
        for (Field f : plugin.fields()) {
            byName.put(f.name(), f);
        }
        List<Field> ordered = new ArrayList<>();
        for (String name : plugin.order()) {
            Field f = byName.get(name);
            if (f != null && !ordered.contains(f)) {
                ordered.add(f);
            }
        }
        for (Field f : plugin.fields()) {
            if (!ordered.contains(f)) {
                ordered.add(f);
            }
        }
        Set<String> negatives = new LinkedHashSet<>();
        for (Field f : ordered) {
            if (f.graph() && f.negative() != null && byName.containsKey(f.negative())) {
                negatives.add(f.negative());
            }
        }
        List<Series> series = new ArrayList<>();
        List<Line> lines = new ArrayList<>();
        Set<String> labels = new LinkedHashSet<>();
        int paletteIndex = 0;
        Style previous = null;
        for (Field f : ordered) {
            if (!f.graph() || negatives.contains(f.name())) {
                continue;
            }
            String colour = colour(f, paletteIndex++);
            Style style = Style.of(f.draw(), previous);
            previous = style;
            String label = unique(labels, f.label(), f.name());
            series.add(new Series(f.name(), label, colour, style.fill, style.width, false, style.stack));
            lines.addAll(lines(f, f.label(), false));
            if (f.negative() != null && byName.containsKey(f.negative())) {
                Field neg = byName.get(f.negative());
                // munin draws the pair under the positive field's label; the negative's own label is not shown.
                series.add(new Series(neg.name(), unique(labels, label + " (-)", neg.name()), colour, style.fill,
                        style.width, true, style.stack));
                lines.addAll(lines(neg, f.label(), true));
            }
        }
        // munin writes ${graph_period} in labels for the period rates are per ("second" unless the plugin says).
        String vlabel = plugin.vlabel() == null ? "" : plugin.vlabel().replace("${graph_period}", plugin.period());
        String total = plugin.total() == null || plugin.total().isBlank() ? null : plugin.total();
        return new GraphSpec(plugin.title(), vlabel, plugin.base(),
                plugin.logarithmic(), boxed(plugin.lowerLimit()), boxed(plugin.upperLimit()), total,
                List.copyOf(series), List.copyOf(lines));
    }

    /**
     * One source of a graph that combines fields of several plugins (a view, a skeleton's view, a comparison).
     *
     * @param group what the field belongs to, {@code host/plugin}: a field stacks only on one of its own group
     * @param field the field
     * @param label its series label in the combined graph
     * @param plugin its plugin's metadata, or null when no storage answers for it (then a plain line)
     */
    public record Part(String group, String field, String label, Plugin plugin) {}

    /**
     * Several plugins' fields in one graph, each drawn by its own plugin's rules (colour, fill, width, sign,
     * stacking on the field before it when that one is of the same plugin, warning and critical lines), so that
     * a view shows what the host page shows. The axis takes what all parts agree on: their base and vertical
     * label, and the limits and scale of a single plugin.
     */
    public static GraphSpec combined(String title, List<Part> parts, List<Line> extraLines) {
        List<Series> series = new ArrayList<>();
        List<Line> lines = new ArrayList<>();
        Set<String> colours = new LinkedHashSet<>();
        Map<Boolean, String> previousGroup = new java.util.HashMap<>();
        Set<Integer> bases = new LinkedHashSet<>();
        Set<String> vlabels = new LinkedHashSet<>();
        Set<String> groups = new LinkedHashSet<>();
        Plugin single = null;
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            groups.add(part.group());
            GraphSpec own = part.plugin() == null ? null : of(part.plugin());
            Series drawn = own == null ? null : own.series().stream().filter(x -> x.field().equals(part.field()))
                    .findFirst().orElse(null);
            String colour = drawn != null && !colours.contains(drawn.colour()) ? drawn.colour() : null;
            for (int k = 0; colour == null || colours.contains(colour); k++) {
                colour = "#" + PALETTE.get((i + k) % PALETTE.size());
                if (k > PALETTE.size()) {
                    break;
                }
            }
            colours.add(colour);
            boolean negate = drawn != null && drawn.negate();
            boolean stack = drawn != null && drawn.stack() && part.group().equals(previousGroup.get(negate));
            series.add(new Series(part.field(), part.label(), colour, drawn != null && drawn.fill(),
                    drawn == null ? 1 : drawn.width(), negate, stack));
            previousGroup.put(negate, part.group());
            if (part.plugin() != null) {
                single = part.plugin();
                bases.add(own.base());
                vlabels.add(own.vlabel());
                part.plugin().field(part.field()).ifPresent(f -> lines.addAll(lines(f, part.label(), negate)));
            } else {
                bases.add(1000);
                vlabels.add("");
            }
        }
        lines.addAll(extraLines);
        boolean one = groups.size() == 1 && single != null;
        GraphSpec only = one ? of(single) : null;
        return new GraphSpec(title, vlabels.size() == 1 ? vlabels.iterator().next() : "",
                bases.size() == 1 ? bases.iterator().next() : 1000, one && only.logarithmic(),
                one ? only.lower() : null, one ? only.upper() : null, null, List.copyOf(series), List.copyOf(lines));
    }

    /**
     * A field's draw style as munin reads it: LINE1..3 and LINESTACK1..3 are lines, AREA and AREASTACK areas;
     * STACK is drawn like the field before it (rrdtool's rule), an area when it comes first; LINE is LINE1.
     */
    record Style(boolean fill, int width, boolean stack) {
        static Style of(String draw, Style previous) {
            String d = draw == null ? "LINE1" : draw.toUpperCase(Locale.ROOT).trim();
            int width = d.endsWith("3") ? 3 : d.endsWith("2") ? 2 : 1;
            if (d.equals("STACK")) {
                return previous == null ? new Style(true, 1, false) : new Style(previous.fill, previous.width, true);
            }
            if (d.startsWith("AREA")) {
                return new Style(true, 1, d.equals("AREASTACK"));
            }
            return new Style(false, width, d.startsWith("LINESTACK"));
        }
    }

    private static String colour(Field f, int index) {
        String c = f.colour();
        if (c != null && c.matches("[0-9A-Fa-f]{6}")) {
            return "#" + c.toUpperCase(Locale.ROOT);
        }
        return "#" + PALETTE.get(index % PALETTE.size());
    }

    private static String unique(Set<String> taken, String label, String field) {
        String l = label;
        if (!taken.add(l)) {
            l = label + " [" + field + "]";
            taken.add(l);
        }
        return l;
    }

    /** Munin ranges are {@code max}, {@code min:max}, {@code min:} or {@code :max}; each bound is a line. */
    static List<Line> lines(Field f, String label, boolean negate) {
        List<Line> out = new ArrayList<>();
        addRange(out, f.warning(), "warning", label, negate);
        addRange(out, f.critical(), "critical", label, negate);
        return out;
    }

    private static void addRange(List<Line> out, String range, String kind, String label, boolean negate) {
        if (range == null || range.isBlank()) {
            return;
        }
        String[] parts = range.contains(":") ? range.split(":", -1) : new String[] {"", range};
        for (String p : parts) {
            if (p.isBlank()) {
                continue;
            }
            try {
                double v = Double.parseDouble(p.trim());
                out.add(new Line(negate ? -v : v, kind, label));
            } catch (NumberFormatException e) {
                // munin ignores a bound it cannot read; so does the graph
            }
        }
    }

    private static Double boxed(java.util.OptionalDouble d) {
        return d.isPresent() ? d.getAsDouble() : null;
    }
}
