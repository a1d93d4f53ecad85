package org.numeter.storage;

import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TimeZone;
import java.util.regex.Pattern;
import org.numeter.graph.FixedSizePng;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.store.Consolidation;
import org.numeter.store.Series;
import org.numeter.store.SeriesQuery;
import org.numeter.store.Store;
import org.rrd4j.data.Variable;
import org.rrd4j.graph.RrdGraphDef;

/**
 * Draws a plugin as munin does, from its metadata only: title, vertical label, base, limits, fields in
 * {@code graph_order}, each field's draw style (only STACK, AREASTACK and LINESTACK stack) and colour (munin's
 * palette when it has none), negatives below the axis as their partner's mirror, hidden fields, warning and
 * critical lines, {@code graph_total}, and a legend with current, minimum, average and maximum. The image is
 * exactly the asked width and height, axes and legend included.
 */
public final class GraphRenderer {
    /** Munin's default colours, in its order. */
    static final List<String> PALETTE = List.of("00CC00", "0066B3", "FF8000", "FFCC00", "330099", "990099",
            "CCFF00", "FF0000", "808080", "008F00", "00487D", "B35A00", "B38F00", "6B006B", "8FB300", "B30000",
            "BEBEBE", "80FF80", "80C9FF", "FFC080", "FFE680", "AA80FF", "EE00CC", "FF8080", "666600", "FFBFFF",
            "00FFCC", "CC6699", "999900");
    private static final Color WARNING = new Color(0xFF, 0xA5, 0x00);
    private static final Color CRITICAL = new Color(0xFF, 0x00, 0x00);
    private static final Color INVISIBLE = new Color(0, 0, 0, 0);
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * What to draw.
     *
     * @param title the title, or null for the plugin's
     */
    record Request(String host, String plugin, long from, long to, int width, int height, String title,
            boolean legend) {}

    private final Store store;

    public GraphRenderer(Store store) {
        this.store = store;
    }

    /** A graph as the storage serves it, with its legend (for benchmarks and embedders). */
    public byte[] png(String host, String plugin, long from, long to, int width, int height) throws IOException {
        return render(new Request(host, plugin, from, to, width, height, null, true));
    }

    byte[] render(Request r) throws IOException {
        return draw(r).bytes();
    }

    /** The graph with how it was laid out and the texts drawn in it (its legend among them). */
    FixedSizePng.Png draw(Request r) throws IOException {
        Plugin p = store.plugin(r.host(), r.plugin()).orElseThrow(() -> new NoSuchElementException(
                "host " + r.host() + " has no plugin '" + r.plugin() + "'"));
        Series s = store.fetch(new SeriesQuery(r.host(), r.plugin(), List.of(), r.from(), r.to(), 0, r.width(),
                Consolidation.AVERAGE));
        // munin makes the image taller for a long legend; here the size is fixed (FixedSizePng), the legend in columns
        // when one a line would leave too little plot
        // the shape: what decides the margins, the plugin's metadata with the title
        return FixedSizePng.render(List.of("storage", p, String.valueOf(r.title())),
                (plotWidth, plotHeight, columns) -> definition(r, p, s, plotWidth, plotHeight, columns), r.width(),
                r.height(), r.legend());
    }

    /** The graph; its legend in {@code columns} columns, none when 0. */
    private static RrdGraphDef definition(Request r, Plugin p, Series s, int plotWidth, int plotHeight,
            int columns) {
        RrdGraphDef g = new RrdGraphDef(r.from(), r.to());
        g.setPoolUsed(false);
        g.setWidth(plotWidth);
        g.setHeight(plotHeight);
        g.setTitle(r.title() != null ? r.title() : p.title());
        if (p.vlabel() != null) {
            g.setVerticalLabel(p.vlabel().replace("${graph_period}", p.period()));
        }
        g.setBase(p.base());
        p.lowerLimit().ifPresent(g::setMinValue);
        p.upperLimit().ifPresent(g::setMaxValue);
        if (p.args() != null && List.of(p.args().split("\\s+")).contains("--rigid")) {
            g.setRigid(true);
        }
        g.setLogarithmic(p.logarithmic());
        g.setNoLegend(columns == 0);
        g.setShowSignature(false);
        g.setForceRulesLegend(true);
        g.setLocale(Locale.ROOT);
        g.setTimeZone(TimeZone.getTimeZone("UTC"));
        g.setStep(s.step());

        Set<String> names = new HashSet<>(p.fieldNames());
        for (int i = 0; i < s.fields().size(); i++) {
            double[] values = s.values()[i];
            g.datasource("raw_" + s.fields().get(i), t -> valueAt(s, values, t));
        }
        for (Field f : p.fields()) {
            g.datasource(f.name(), f.cdef() == null ? "raw_" + f.name() : rpn(f.cdef(), names));
        }
        String format = (p.printf() != null ? p.printf() : "%7.2lf") + (p.scale() ? "%s" : "");
        // Above the axis first, in munin's order, each STACK on the one before it; then the negative halves
        // below, stacked among themselves the same way, so that no mirror sits between two stacked fields.
        Set<String> mirrored = negatives(p);
        List<Field> drawn = ordered(p).stream().filter(Field::graph).filter(f -> !mirrored.contains(f.name()))
                .toList();
        boolean total = p.total() != null && !p.total().isBlank() && !drawn.isEmpty();
        Legend legend = new Legend(columns, drawn.size() + (total ? 1 : 0));
        if (columns > 1) {
            g.comment(legend.header() + "\\l");
        }
        List<Runnable> below = new ArrayList<>();
        List<Runnable> rules = new ArrayList<>();
        StringBuilder sum = new StringBuilder();
        DrawStyle previous = null;
        int colour = 0;
        for (Field f : drawn) {
            Color c = colour(f.colour(), colour++);
            DrawStyle style = DrawStyle.of(f.draw(), previous);
            draw(g, style, f.name(), c, legend.label(f.label()), previous == null);
            String neg = f.negative() != null && names.contains(f.negative()) ? "neg_" + f.negative() : null;
            if (neg != null) {
                g.datasource(neg, f.negative() + ",-1,*");
                boolean firstBelow = below.isEmpty();
                below.add(() -> draw(g, style, neg, c, null, firstBelow));
                legendValues(g, f.name(), f.negative(), format, legend);
            } else {
                legendValues(g, f.name(), null, format, legend);
            }
            previous = style;
            sum.append(sum.isEmpty() ? f.name() : "," + f.name() + ",ADDNAN");
            rules.add(() -> limitLine(g, f.warning(), WARNING, f.label() + " warning"));
            rules.add(() -> limitLine(g, f.critical(), CRITICAL, f.label() + " critical"));
        }
        below.forEach(Runnable::run);
        // munin's graph_total: a legend line with the sum of what is drawn above the axis, and no line of its own.
        if (total) {
            g.datasource("numeter_total", sum.toString());
            g.line("numeter_total", INVISIBLE, legend.label(p.total()), 1f);
            legendValues(g, "numeter_total", null, format, legend);
        }
        rules.forEach(Runnable::run);
        return g;
    }

    /**
     * Munin's legend, a field an entry: one a line with its label and each value named ({@code cur:}, {@code min:},
     * {@code avg:}, {@code max:}); or, in columns, a shorter label and the values under a header line, so that two
     * entries sit side by side at 800 pixels.
     */
    static final class Legend {
        /** The label's width in characters in columns; one a line, the label takes 16 or its length. */
        static final int LABEL = 12;
        private final int columns;
        private final int entries;
        private int placed;

        Legend(int columns, int entries) {
            this.columns = columns;
            this.entries = entries;
        }

        String header() {
            // the box and the space after it, the label, the space before the values, then a value every 9
            String one = " ".repeat(LABEL + 4) + "      cur      min      avg      max";
            return String.join("  ", java.util.Collections.nCopies(columns, one)).stripTrailing();
        }

        String label(String label) {
            return columns > 1 ? String.format(Locale.ROOT, "%-" + LABEL + "." + LABEL + "s", label)
                    : String.format(Locale.ROOT, "%-16s", label);
        }

        /** The text before a value: its name one entry a line, a space under a header. */
        String name(String kind) {
            return columns > 1 ? " " : " " + kind + ":";
        }

        /** How an entry's last value ends: the end of the line, or glued to the entry beside it. */
        String end() {
            int k = placed++;
            return columns <= 1 || (k + 1) % columns == 0 || k + 1 == entries ? "\\l" : "";
        }

        /** Between two values of an entry: glued in columns, so that the header fits over them. */
        String glue() {
            return columns > 1 ? "\\g" : "";
        }
    }

    /** The fields in munin's {@code graph_order}, then the others in their own order. */
    static List<Field> ordered(Plugin p) {
        List<Field> out = new ArrayList<>();
        for (String name : p.order()) {
            p.field(name).filter(f -> !out.contains(f)).ifPresent(out::add);
        }
        p.fields().stream().filter(f -> !out.contains(f)).forEach(out::add);
        return out;
    }

    /** Fields some drawn field names as its {@code negative}: they are drawn as its mirror, not on their own. */
    private static Set<String> negatives(Plugin p) {
        Set<String> out = new HashSet<>();
        for (Field f : p.fields()) {
            if (f.graph() && f.negative() != null && p.field(f.negative()).isPresent()) {
                out.add(f.negative());
            }
        }
        return out;
    }

    /**
     * A field's draw style as munin reads it: LINE1..3 and LINESTACK1..3 are lines, AREA and AREASTACK areas;
     * STACK is drawn like the field before it (rrdtool's rule), an area when it comes first.
     */
    record DrawStyle(boolean area, float width, boolean stack) {
        static DrawStyle of(String draw, DrawStyle previous) {
            String d = draw == null ? "LINE1" : draw.toUpperCase(Locale.ROOT).trim();
            float width = d.endsWith("3") ? 3 : d.endsWith("2") ? 2 : 1;
            if (d.equals("STACK")) {
                return previous == null ? new DrawStyle(true, 1, false)
                        : new DrawStyle(previous.area, previous.width, true);
            }
            if (d.startsWith("AREA")) {
                return new DrawStyle(true, 1, d.equals("AREASTACK"));
            }
            return new DrawStyle(false, width, d.startsWith("LINESTACK"));
        }
    }

    private static void draw(RrdGraphDef g, DrawStyle style, String source, Color c, String legend, boolean first) {
        boolean stack = style.stack() && !first;
        if (style.area()) {
            g.area(source, c, legend, stack);
        } else {
            g.line(source, c, legend, style.width(), stack);
        }
    }

    private static void legendValues(RrdGraphDef g, String source, String negative, String format, Legend legend) {
        String[] kinds = {"cur", "min", "avg", "max"};
        for (int i = 0; i < kinds.length; i++) {
            String v = source + "_" + kinds[i];
            g.datasource(v, source, variable(i));
            String end = i == kinds.length - 1 ? legend.end() : legend.glue();
            if (negative == null) {
                g.gprint(v, legend.name(kinds[i]) + format + end);
            } else {
                // munin's in/out legend: the negative half's value, a slash, the positive half's
                String n = negative + "_" + kinds[i];
                g.datasource(n, negative, variable(i));
                String tight = format.replaceFirst("^%\\d+", "%");
                g.gprint(n, legend.name(kinds[i]) + tight + "/\\g");
                g.gprint(v, tight + end);
            }
        }
    }

    /** A new one each time: a variable belongs to one source. */
    private static Variable variable(int kind) {
        return switch (kind) {
            case 0 -> new Variable.LAST();
            case 1 -> new Variable.MIN();
            case 2 -> new Variable.AVERAGE();
            default -> new Variable.MAX();
        };
    }

    /** Munin's {@code min:max} range: a line at each bound given. */
    private static void limitLine(RrdGraphDef g, String range, Color c, String legend) {
        if (range == null || range.isBlank()) {
            return;
        }
        String[] parts = range.split(":", -1);
        boolean labelled = false;
        for (String part : parts) {
            try {
                if (!part.isBlank()) {
                    g.hrule(Double.parseDouble(part.trim()), c, labelled ? null : legend + "\\l");
                    labelled = true;
                }
            } catch (NumberFormatException e) {
                // a range that is not a number is munin's business (it alerts on it), not the graph's
            }
        }
    }

    /** A munin cdef names fields; the graph's sources of raw values are called raw_<field>. */
    private static String rpn(String cdef, Set<String> fields) {
        StringBuilder out = new StringBuilder();
        for (String token : cdef.split(",")) {
            if (!out.isEmpty()) {
                out.append(',');
            }
            String t = token.trim();
            out.append(NAME.matcher(t).matches() && fields.contains(t) ? "raw_" + t : t);
        }
        return out.toString();
    }

    static Color colour(String hex, int index) {
        String h = hex;
        if (h == null || !h.matches("#?[0-9A-Fa-f]{6}")) {
            h = PALETTE.get(index % PALETTE.size());
        }
        return new Color(Integer.parseInt(h.startsWith("#") ? h.substring(1) : h, 16));
    }

    /** The value of the point whose interval {@code (t - step, t]} holds {@code time}. */
    private static double valueAt(Series s, double[] values, long time) {
        long i = Math.floorDiv(time - s.start() + s.step() - 1, s.step());
        return i < 0 || i >= values.length ? Double.NaN : values[(int) i];
    }
}
