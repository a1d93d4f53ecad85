package org.numeter.poller.prometheus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.numeter.munin.Problems;

/**
 * Reads Prometheus' text exposition format (version 0.0.4): {@code # HELP}, {@code # TYPE}, and samples
 * {@code name{label="value",...} value [timestamp]}. Samples are grouped into their metric family (a histogram's
 * {@code _bucket}, {@code _sum} and {@code _count} belong to it). A bad line is reported and skipped.
 */
public final class ExpositionParser {
    private ExpositionParser() {}

    /**
     * One sample: its full name (with any {@code _bucket}-like suffix), labels in order, and value.
     *
     * @param timestampMillis the exposition's own timestamp (epoch milliseconds), 0 when it gave none
     */
    public record Sample(String name, Map<String, String> labels, double value, long timestampMillis) {

        public Sample(String name, Map<String, String> labels, double value) {
            this(name, labels, value, 0);
        }
    }

    /** A metric family: its name, type ({@code counter}, {@code gauge}, … or {@code untyped}), help, samples. */
    public record Family(String name, String type, String help, List<Sample> samples) {}

    public static List<Family> parse(String source, List<String> lines, Problems problems) {
        Map<String, FamilyBuilder> families = new LinkedHashMap<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] w = line.split("\\s+", 4);
                if (w.length >= 3 && (w[1].equals("HELP") || w[1].equals("TYPE"))) {
                    FamilyBuilder f = families.computeIfAbsent(w[2], FamilyBuilder::new);
                    String rest = w.length == 4 ? w[3] : "";
                    if (w[1].equals("HELP")) {
                        f.help = unescape(rest);
                    } else {
                        f.type = rest.strip();
                    }
                }
                continue;
            }
            Sample sample;
            try {
                sample = sample(line);
            } catch (IllegalArgumentException e) {
                problems.report(source, "line '" + abbreviate(line) + "': " + e.getMessage());
                continue;
            }
            familyOf(sample.name(), families).samples.add(sample);
        }
        List<Family> out = new ArrayList<>();
        for (FamilyBuilder f : families.values()) {
            if (!f.samples.isEmpty()) {
                out.add(new Family(f.name, f.type, f.help, List.copyOf(f.samples)));
            }
        }
        return out;
    }

    private static FamilyBuilder familyOf(String sampleName, Map<String, FamilyBuilder> families) {
        FamilyBuilder exact = families.get(sampleName);
        if (exact != null) {
            return exact;
        }
        for (String suffix : List.of("_bucket", "_sum", "_count", "_total", "_created")) {
            if (sampleName.endsWith(suffix)) {
                FamilyBuilder base = families.get(sampleName.substring(0, sampleName.length() - suffix.length()));
                if (base != null && !base.type.equals("untyped") && !base.type.equals("gauge")) {
                    return base;
                }
            }
        }
        return families.computeIfAbsent(sampleName, FamilyBuilder::new);
    }

    private static Sample sample(String line) {
        int i = 0;
        int n = line.length();
        while (i < n && isNameChar(line.charAt(i), i == 0)) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("no metric name");
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < n && line.charAt(i) == '{') {
            i++;
            while (true) {
                while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == ',')) {
                    i++;
                }
                if (i < n && line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int start = i;
                while (i < n && isNameChar(line.charAt(i), i == start)) {
                    i++;
                }
                if (i == start || i + 1 >= n || line.charAt(i) != '=' || line.charAt(i + 1) != '"') {
                    throw new IllegalArgumentException("labels are not name=\"value\" at column " + (start + 1));
                }
                String label = line.substring(start, i);
                i += 2;
                StringBuilder value = new StringBuilder();
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i++);
                    if (c == '\\' && i < n) {
                        char e = line.charAt(i++);
                        value.append(e == 'n' ? '\n' : e);
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("label " + label + " has no closing quote");
                }
                labels.put(label, value.toString());
            }
        }
        String[] rest = line.substring(i).strip().split("\\s+");
        if (rest.length == 0 || rest[0].isEmpty()) {
            throw new IllegalArgumentException("no value");
        }
        long timestamp = 0;
        if (rest.length > 1) {
            try {
                timestamp = Long.parseLong(rest[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("timestamp '" + rest[1] + "' is not epoch milliseconds");
            }
        }
        return new Sample(name, labels, value(rest[0]), timestamp);
    }

    private static double value(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("value '" + text + "' is not a number");
                }
            }
        };
    }

    private static boolean isNameChar(char c, boolean first) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0'
                && c <= '9');
    }

    private static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char e = text.charAt(++i);
                out.append(e == 'n' ? '\n' : e);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }

    private static final class FamilyBuilder {
        final String name;
        String type = "untyped";
        String help;
        final List<Sample> samples = new ArrayList<>();

        FamilyBuilder(String name) {
            this.name = name;
        }
    }
}
