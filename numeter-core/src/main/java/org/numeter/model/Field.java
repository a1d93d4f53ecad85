package org.numeter.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One data source of a plugin, with the attributes munin gives it ({@code <field>.<key>} lines of a plugin's
 * config). Keys Numeter does not interpret are kept, unchanged, in {@link #extra()}.
 *
 * @param name the munin field name, e.g. {@code user}
 * @param label the legend text; the name when the plugin gave none
 * @param type how raw values become rates
 * @param draw LINE1..3, AREA, STACK, AREASTACK, LINESTACK, or null for munin's default (LINE1)
 * @param colour a six-digit hex colour without '#', or null to take the palette's
 * @param min values below are stored as unknown; null for no limit
 * @param max values above are stored as unknown; null for no limit
 * @param cdef an RPN expression over field names, or null
 * @param negative the field drawn below the axis as this one's mirror (in/out pairs), or null
 * @param graph false when the field is collected but not drawn ({@code graph no})
 * @param warning munin's warning range ({@code min:max}, either side optional), or null
 * @param critical munin's critical range, or null
 * @param info a sentence that explains the field, or null
 * @param extra every other key, as the plugin wrote it
 */
public record Field(
        String name,
        String label,
        FieldType type,
        String draw,
        String colour,
        Double min,
        Double max,
        String cdef,
        String negative,
        boolean graph,
        String warning,
        String critical,
        String info,
        Map<String, String> extra) {

    public Field {
        Names.requireField(name);
        if (label == null || label.isEmpty()) {
            label = name;
        }
        type = Objects.requireNonNullElse(type, FieldType.GAUGE);
        extra = Map.copyOf(extra == null ? Map.of() : extra);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.label = label;
        b.type = type;
        b.draw = draw;
        b.colour = colour;
        b.min = min;
        b.max = max;
        b.cdef = cdef;
        b.negative = negative;
        b.graph = graph;
        b.warning = warning;
        b.critical = critical;
        b.info = info;
        b.extra.putAll(extra);
        return b;
    }

    /** Builds a field step by step; every attribute is optional but the name. */
    public static final class Builder {
        private final String name;
        private String label;
        private FieldType type = FieldType.GAUGE;
        private String draw;
        private String colour;
        private Double min;
        private Double max;
        private String cdef;
        private String negative;
        private boolean graph = true;
        private String warning;
        private String critical;
        private String info;
        private final Map<String, String> extra = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public Builder label(String label) {
            this.label = label;
            return this;
        }

        public Builder type(FieldType type) {
            this.type = type;
            return this;
        }

        public Builder draw(String draw) {
            this.draw = draw;
            return this;
        }

        public Builder colour(String colour) {
            this.colour = colour;
            return this;
        }

        public Builder min(Double min) {
            this.min = min;
            return this;
        }

        public Builder max(Double max) {
            this.max = max;
            return this;
        }

        public Builder cdef(String cdef) {
            this.cdef = cdef;
            return this;
        }

        public Builder negative(String negative) {
            this.negative = negative;
            return this;
        }

        public Builder graph(boolean graph) {
            this.graph = graph;
            return this;
        }

        public Builder warning(String warning) {
            this.warning = warning;
            return this;
        }

        public Builder critical(String critical) {
            this.critical = critical;
            return this;
        }

        public Builder info(String info) {
            this.info = info;
            return this;
        }

        public Builder extra(String key, String value) {
            this.extra.put(key, value);
            return this;
        }

        public Field build() {
            return new Field(name, label, type, draw, colour, min, max, cdef, negative, graph, warning, critical,
                    info, extra);
        }
    }
}
