package org.numeter.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * One graph of one host, as a munin plugin's config describes it ({@code graph_*} lines), with its fields in
 * drawing order. It is everything the web needs to draw the graph with no per-plugin code.
 *
 * @param name e.g. {@code cpu}, {@code if_eth0}, {@code diskstats_iops.sda} (multigraph children have dots)
 * @param title the graph's title; the name when none was given
 * @param category munin's grouping ({@code system}, {@code network}, {@code disk}…); {@code other} by default
 * @param vlabel the vertical axis label; {@code ${graph_period}} is kept for the web to expand
 * @param args rrdtool-style arguments: {@code --base}, {@code --lower-limit}/{@code -l},
 *     {@code --upper-limit}/{@code -u}, {@code --logarithmic}; the parsed forms are methods below
 * @param order the field order munin's {@code graph_order} gave, or empty
 * @param info a sentence that explains the graph, or null
 * @param period the unit of {@code ${graph_period}}: second (default), minute or hour
 * @param total the label of a total line, or null
 * @param scale false when values must not get SI prefixes ({@code graph_scale no})
 * @param printf the printf format of legend values, or null
 * @param width preferred width in pixels, or null
 * @param height preferred height in pixels, or null
 * @param fields the data sources, in drawing order
 * @param extra every other key, as the plugin wrote it
 */
public record Plugin(
        String name,
        String title,
        String category,
        String vlabel,
        String args,
        List<String> order,
        String info,
        String period,
        String total,
        boolean scale,
        String printf,
        Integer width,
        Integer height,
        List<Field> fields,
        Map<String, String> extra) {

    public Plugin {
        Names.requirePlugin(name);
        if (title == null || title.isBlank()) {
            title = name;
        }
        if (category == null || category.isBlank()) {
            category = "other";
        }
        if (period == null || period.isBlank()) {
            period = "second";
        }
        order = List.copyOf(order == null ? List.of() : order);
        fields = List.copyOf(fields == null ? List.of() : fields);
        extra = Map.copyOf(extra == null ? Map.of() : extra);
        Set<String> seen = new HashSet<>();
        for (Field f : fields) {
            if (!seen.add(f.name())) {
                throw new IllegalArgumentException("plugin " + name + ": field '" + f.name() + "' appears twice");
            }
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.title = title;
        b.category = category;
        b.vlabel = vlabel;
        b.args = args;
        b.order.addAll(order);
        b.info = info;
        b.period = period;
        b.total = total;
        b.scale = scale;
        b.printf = printf;
        b.width = width;
        b.height = height;
        b.fields.addAll(fields);
        b.extra.putAll(extra);
        return b;
    }

    public Optional<Field> field(String fieldName) {
        return fields.stream().filter(f -> f.name().equals(fieldName)).findFirst();
    }

    public List<String> fieldNames() {
        return fields.stream().map(Field::name).toList();
    }

    /** 1024 for memory and disk sizes, 1000 otherwise, as {@code --base} says. */
    public int base() {
        return argument("--base").map(v -> v.equals("1024") ? 1024 : 1000).orElse(1000);
    }

    public OptionalDouble lowerLimit() {
        return number(argument("--lower-limit").or(() -> argument("-l")));
    }

    public OptionalDouble upperLimit() {
        return number(argument("--upper-limit").or(() -> argument("-u")));
    }

    public boolean logarithmic() {
        return args != null && List.of(args.trim().split("\\s+")).stream()
                .anyMatch(a -> a.equals("--logarithmic") || a.equals("-o"));
    }

    private Optional<String> argument(String option) {
        if (args == null) {
            return Optional.empty();
        }
        String[] words = args.trim().split("\\s+");
        for (int i = 0; i < words.length; i++) {
            if (words[i].equals(option) && i + 1 < words.length) {
                return Optional.of(words[i + 1]);
            }
            if (words[i].startsWith(option + "=")) {
                return Optional.of(words[i].substring(option.length() + 1));
            }
        }
        return Optional.empty();
    }

    private static OptionalDouble number(Optional<String> text) {
        try {
            return text.map(t -> OptionalDouble.of(Double.parseDouble(t))).orElse(OptionalDouble.empty());
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    /** Builds a plugin step by step; every attribute is optional but the name. */
    public static final class Builder {
        private final String name;
        private String title;
        private String category;
        private String vlabel;
        private String args;
        private final List<String> order = new ArrayList<>();
        private String info;
        private String period;
        private String total;
        private boolean scale = true;
        private String printf;
        private Integer width;
        private Integer height;
        private final List<Field> fields = new ArrayList<>();
        private final Map<String, String> extra = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public Builder title(String title) {
            this.title = title;
            return this;
        }

        public Builder category(String category) {
            this.category = category;
            return this;
        }

        public Builder vlabel(String vlabel) {
            this.vlabel = vlabel;
            return this;
        }

        public Builder args(String args) {
            this.args = args;
            return this;
        }

        public Builder order(List<String> order) {
            this.order.clear();
            this.order.addAll(order);
            return this;
        }

        public Builder info(String info) {
            this.info = info;
            return this;
        }

        public Builder period(String period) {
            this.period = period;
            return this;
        }

        public Builder total(String total) {
            this.total = total;
            return this;
        }

        public Builder scale(boolean scale) {
            this.scale = scale;
            return this;
        }

        public Builder printf(String printf) {
            this.printf = printf;
            return this;
        }

        public Builder width(Integer width) {
            this.width = width;
            return this;
        }

        public Builder height(Integer height) {
            this.height = height;
            return this;
        }

        public Builder field(Field field) {
            this.fields.add(field);
            return this;
        }

        public Builder fields(List<Field> fields) {
            this.fields.clear();
            this.fields.addAll(fields);
            return this;
        }

        public Builder extra(String key, String value) {
            this.extra.put(key, value);
            return this;
        }

        public Plugin build() {
            return new Plugin(name, title, category, vlabel, args, order, info, period, total, scale, printf, width,
                    height, fields, extra);
        }
    }
}
