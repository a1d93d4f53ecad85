package org.numeter.web.internal;

import java.awt.Color;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TimeZone;
import org.numeter.graph.FixedSizePng;
import org.rrd4j.graph.RrdGraphDef;

/**
 * A graph as a PNG, drawn from the same {@link GraphSpec} and the same rows (cdef applied, negatives below the
 * axis) as the page's graph: the series it shows, stacked by the same rule, the same colours, limits, warning and
 * critical lines, and a legend like the page's (each entry's last known value, an in/out pair as one entry, the
 * total, the moment of the values). The PNG button of a graph and its PNG URL are this one image. The image is
 * exactly the asked size; its bytes depend only on what it shows.
 */
final class GraphPng {
    private static final Color WARNING = new Color(0xFF, 0x9F, 0x1A);
    private static final Color CRITICAL = new Color(0xD6, 0x27, 0x28);
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    /**
     * What to draw.
     *
     * @param title the title, as the page's card says it
     * @param rows {@code [epochSecond, v1, v2...]} in the spec's series order, null unknown
     * @param hidden the indices of series the user hid
     * @param zone the time zone of the axis and the legend
     */
    record Picture(String title, GraphSpec spec, long from, long to, long step, List<Object[]> rows,
            Set<Integer> hidden, int width, int height, ZoneId zone) {}

    private GraphPng() {}

    static byte[] render(Picture p) throws IOException {
        return draw(p).bytes();
    }

    /** The graph with how it was laid out and the texts drawn in it (its legend among them). */
    static FixedSizePng.Png draw(Picture p) throws IOException {
        // the shape: what decides the margins (the spec holds the series, the total and the lines)
        return FixedSizePng.render(List.of("web", String.valueOf(p.title()), p.spec(), p.hidden()),
                (plotWidth, plotHeight, columns) -> definition(p, plotWidth, plotHeight, columns), p.width(),
                p.height(), true);
    }

    /** The graph; its legend in {@code columns} columns, none when 0. */
    private static RrdGraphDef definition(Picture p, int plotWidth, int plotHeight, int columns) {
        GraphSpec spec = p.spec();
        RrdGraphDef g = new RrdGraphDef(p.from(), p.to());
        g.setPoolUsed(false);
        g.setWidth(plotWidth);
        g.setHeight(plotHeight);
        g.setTitle(p.title());
        if (!spec.vlabel().isBlank()) {
            g.setVerticalLabel(spec.vlabel());
        }
        g.setBase(spec.base());
        // the page's valueRange: a limit the plugin sets is where the axis ends
        if (spec.lower() != null) {
            g.setMinValue(spec.lower());
            g.setRigid(true);
        }
        if (spec.upper() != null) {
            g.setMaxValue(spec.upper());
            g.setRigid(true);
        }
        g.setLogarithmic(spec.logarithmic());
        g.setNoLegend(columns == 0);
        g.setShowSignature(false);
        g.setLocale(Locale.ROOT);
        g.setTimeZone(TimeZone.getTimeZone(p.zone()));
        g.setStep(Math.max(1, p.step()));
        List<GraphSpec.Series> series = spec.series();
        Object[] last = lastKnown(p.rows());
        // Above the axis in order, then below it: a stacking series stands on the one drawn just before it on its
        // side (the page's rule, GraphSpec.Series#stack), never on one of the other side.
        List<Entry> entries = entries(spec);
        // in columns, each entry is as wide as the widest, so that the columns line up (the font is monospaced)
        int shown = 0;
        int valueWidth = 0;
        for (Entry e : entries) {
            if (!p.hidden().contains(e.labelIndex())) {
                shown++;
                valueWidth = Math.max(valueWidth, e.value(last, spec.base()).length());
            }
        }
        int entriesShown = shown + (spec.total() != null ? 1 : 0);
        int placed = 0;
        for (boolean below : new boolean[] {false, true}) {
            boolean first = true;
            for (int i = 0; i < series.size(); i++) {
                GraphSpec.Series s = series.get(i);
                if (s.negate() != below || p.hidden().contains(i)) {
                    continue;
                }
                int column = i + 1;
                g.datasource("s" + i, t -> valueAt(p.rows(), column, t, p.step()));
                int index = i;
                Entry entry = entries.stream().filter(e -> e.owns(index)).findFirst().orElseThrow();
                boolean labelled = entry.labelIndex() == i;
                String text = labelled ? String.format(Locale.ROOT, "%-16s", entry.label()) : null;
                Color colour = new Color(Integer.parseInt(s.colour().substring(1), 16));
                boolean stack = s.stack() && !first;
                if (s.fill()) {
                    g.area("s" + i, colour, text, stack);
                } else {
                    g.line("s" + i, colour, text, s.width(), stack);
                }
                if (labelled) {
                    g.comment(cell(entry.value(last, spec.base()), valueWidth, columns, placed++, entriesShown));
                }
                first = false;
            }
        }
        if (spec.total() != null) {
            String value = total(spec, last, p.hidden());
            g.comment(String.format(Locale.ROOT, "    %-16s", spec.total())
                    + cell(value, Math.max(valueWidth, value.length()), columns, placed, entriesShown));
        }
        for (GraphSpec.Line line : spec.lines()) {
            g.hrule(line.value(), line.kind().equals("critical") ? CRITICAL : WARNING, null);
        }
        g.comment(last == null ? "no data in this range\\l" : "last: " + when(last, p) + "\\l");
        return g;
    }

    /** A legend value: the end of its line one entry a line, else padded to the column's width unless it ends a row. */
    private static String cell(String value, int width, int columns, int entry, int entries) {
        if (columns <= 1 || (entry + 1) % columns == 0 || entry + 1 == entries) {
            return value + "\\l";
        }
        return String.format(Locale.ROOT, "%-" + width + "s", value);
    }

    /** When the legend's values are from, in the zone; never after the end of the range. */
    static String when(Object[] row, Picture p) {
        long at = Math.min(((Number) row[0]).longValue(), p.to());
        return MINUTE.format(Instant.ofEpochSecond(at).atZone(p.zone())) + " " + zoneName(p.zone());
    }

    static String zoneName(ZoneId zone) {
        return zone.normalized().equals(java.time.ZoneOffset.UTC) ? "UTC" : zone.getId();
    }

    /** A legend line: a series, or an in/out pair whose negative half comes right after its partner. */
    record Entry(String label, int up, int down) {
        boolean owns(int i) {
            return up == i || down == i;
        }

        int labelIndex() {
            return up >= 0 ? up : down;
        }

        String value(Object[] row, int base) {
            if (down < 0) {
                return format(at(row, up), base);
            }
            Double d = at(row, down);
            String negative = format(d == null ? null : -d, base);
            return up < 0 ? negative : negative + "/" + format(at(row, up), base);
        }
    }

    static List<Entry> entries(GraphSpec spec) {
        List<Entry> out = new ArrayList<>();
        List<GraphSpec.Series> series = spec.series();
        for (int i = 0; i < series.size(); i++) {
            GraphSpec.Series s = series.get(i);
            Entry previous = out.isEmpty() ? null : out.get(out.size() - 1);
            if (s.negate() && previous != null && previous.up() == i - 1 && previous.down() < 0) {
                out.set(out.size() - 1, new Entry(previous.label(), previous.up(), i));
            } else if (s.negate()) {
                out.add(new Entry(s.label(), -1, i));
            } else {
                out.add(new Entry(s.label(), i, -1));
            }
        }
        return out;
    }

    private static String total(GraphSpec spec, Object[] row, Set<Integer> hidden) {
        Double sum = null;
        for (int i = 0; i < spec.series().size(); i++) {
            Double v = at(row, i);
            if (!spec.series().get(i).negate() && !hidden.contains(i) && v != null) {
                sum = (sum == null ? 0 : sum) + v;
            }
        }
        return format(sum, spec.base());
    }

    private static Double at(Object[] row, int series) {
        if (row == null || series < 0 || series + 1 >= row.length || !(row[series + 1] instanceof Number n)) {
            return null;
        }
        return n.doubleValue();
    }

    /** The last row with a known value, or null. */
    static Object[] lastKnown(List<Object[]> rows) {
        for (int r = rows.size() - 1; r >= 0; r--) {
            Object[] row = rows.get(r);
            for (int c = 1; c < row.length; c++) {
                if (row[c] != null) {
                    return row;
                }
            }
        }
        return null;
    }

    /**
     * A legend value as the page writes it (graph.js, formatValue): the axis' unit prefixes (k, M, G... of 1000;
     * Ki, Mi, Gi... of 1024), three digits or so, and a dash for no value.
     */
    static String format(Double value, int base) {
        if (value == null || value.isNaN() || value.isInfinite()) {
            return "-";
        }
        String[] prefixes = base == 1024 ? new String[] {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"}
                : new String[] {"", "k", "M", "G", "T", "P", "E"};
        double x = value;
        int i = 0;
        while (Math.abs(x) >= base && i < prefixes.length - 1) {
            x /= base;
            i++;
        }
        double a = Math.abs(x);
        if (a != 0 && a < 0.01) {
            return new java.math.BigDecimal(x).round(new java.math.MathContext(2)).toPlainString();
        }
        int digits = a == 0 || a >= 100 ? 0 : a >= 10 ? 1 : 2;
        return new java.math.BigDecimal(x).setScale(digits, java.math.RoundingMode.HALF_UP).toPlainString()
                + prefixes[i];
    }

    /** The value of the row whose interval {@code (t - step, t]} holds {@code time}. */
    private static double valueAt(List<Object[]> rows, int column, long time, long step) {
        int lo = 0;
        int hi = rows.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (((Number) rows.get(mid)[0]).longValue() < time) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (rows.isEmpty()) {
            return Double.NaN;
        }
        Object[] row = rows.get(lo);
        long at = ((Number) row[0]).longValue();
        if (at < time || at - time >= Math.max(1, step) || !(row[column] instanceof Number n)) {
            return Double.NaN;
        }
        return n.doubleValue();
    }
}
