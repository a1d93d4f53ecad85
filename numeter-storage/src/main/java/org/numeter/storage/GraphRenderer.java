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
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.store.Consolidation;
import org.numeter.store.Series;
import org.numeter.store.SeriesQuery;
import org.numeter.store.Store;
import org.rrd4j.data.Variable;
import org.rrd4j.graph.RrdGraph;
import org.rrd4j.graph.RrdGraphDef;

/**
 * Draws a plugin as munin does, from its metadata only: title, vertical label, base, limits, each field's draw
 * style and colour (munin's palette when it has none), negatives below the axis, hidden fields, warning and
 * critical lines, and a legend with current, minimum, average and maximum.
 */
final class GraphRenderer {
    /** Munin's default colours, in its order. */
    static final List<String> PALETTE = List.of("00CC00", "0066B3", "FF8000", "FFCC00", "330099", "990099",
            "CCFF00", "FF0000", "808080", "008F00", "00487D", "B35A00", "B38F00", "6B006B", "8FB300", "B30000",
            "BEBEBE", "80FF80", "80C9FF", "FFC080", "FFE680", "AA80FF", "EE00CC", "FF8080", "666600", "FFBFFF",
            "00FFCC", "CC6699", "999900");
    private static final Color WARNING = new Color(0xFF, 0xA5, 0x00);
    private static final Color CRITICAL = new Color(0xFF, 0x00, 0x00);
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /**
     * What to draw.
     *
     * @param title the title, or null for the plugin's
     */
    record Request(String host, String plugin, long from, long to, int width, int height, String title,
            boolean legend) {}

    private final Store store;

    GraphRenderer(Store store) {
        this.store = store;
    }

    byte[] render(Request r) throws IOException {
        Plugin p = store.plugin(r.host(), r.plugin()).orElseThrow(() -> new NoSuchElementException(
                "host " + r.host() + " has no plugin '" + r.plugin() + "'"));
        Series s = store.fetch(new SeriesQuery(r.host(), r.plugin(), List.of(), r.from(), r.to(), 0, r.width(),
                Consolidation.AVERAGE));

        RrdGraphDef g = new RrdGraphDef(r.from(), r.to());
        g.setPoolUsed(false);
        g.setImageFormat("png");
        g.setWidth(r.width());
        g.setHeight(r.height());
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
        g.setNoLegend(!r.legend());
        g.setShowSignature(false);
        g.setForceRulesLegend(true);
        g.setLocale(Locale.ROOT);
        g.setTimeZone(TimeZone.getTimeZone("UTC"));
        g.setStep(s.step());

        Set<String> names = new HashSet<>(p.fieldNames());
        for (String f : s.fields()) {
            g.datasource("raw_" + f, t -> valueAt(s, f, t));
        }
        for (Field f : p.fields()) {
            g.datasource(f.name(), f.cdef() == null ? "raw_" + f.name() : rpn(f.cdef(), names));
        }
        String format = (p.printf() != null ? p.printf() : "%7.2lf") + (p.scale() ? "%s" : "");
        int colour = 0;
        boolean first = true;
        for (Field f : p.fields()) {
            Color c = colour(f.colour(), colour++);
            if (!f.graph()) {
                continue;
            }
            String legend = String.format(Locale.ROOT, "%-16s", f.label());
            draw(g, f.draw(), f.name(), c, legend, first);
            first = false;
            legendValues(g, f.name(), format);
            if (f.negative() != null && names.contains(f.negative())) {
                String neg = "neg_" + f.negative();
                g.datasource(neg, f.negative() + ",-1,*");
                draw(g, f.draw(), neg, c, null, false);
            }
            limitLine(g, f.warning(), WARNING, f.label() + " warning");
            limitLine(g, f.critical(), CRITICAL, f.label() + " critical");
        }
        return new RrdGraph(g).getRrdGraphInfo().getBytes();
    }

    private static void draw(RrdGraphDef g, String draw, String source, Color c, String legend, boolean first) {
        String d = draw == null ? "LINE1" : draw.toUpperCase(Locale.ROOT);
        boolean stack = !first && (d.equals("STACK") || d.equals("AREASTACK") || d.startsWith("LINESTACK"));
        switch (d) {
            case "AREA", "AREASTACK" -> g.area(source, c, legend, stack);
            case "STACK" -> g.area(source, c, legend, stack);
            default -> g.line(source, c, legend, width(d), stack);
        }
    }

    private static float width(String draw) {
        char last = draw.charAt(draw.length() - 1);
        return Character.isDigit(last) ? last - '0' : 1;
    }

    private static void legendValues(RrdGraphDef g, String source, String format) {
        String[] kinds = {"cur", "min", "avg", "max"};
        Variable[] vars = {new Variable.LAST(), new Variable.MIN(), new Variable.AVERAGE(), new Variable.MAX()};
        for (int i = 0; i < kinds.length; i++) {
            String v = source + "_" + kinds[i];
            g.datasource(v, source, vars[i]);
            g.gprint(v, " " + kinds[i] + ":" + format + (i == kinds.length - 1 ? "\\l" : ""));
        }
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
    private static double valueAt(Series s, String field, long time) {
        int f = s.fields().indexOf(field);
        if (f < 0 || s.size() == 0) {
            return Double.NaN;
        }
        long i = Math.floorDiv(time - s.start() + s.step() - 1, s.step());
        return i < 0 || i >= s.size() ? Double.NaN : s.values()[f][(int) i];
    }
}
