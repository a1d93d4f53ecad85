package org.numeter.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;

/**
 * The one wire and disk format of sample batches and plugin metadata: JSON, written with the field names of
 * DESIGN.md. Reading validates everything and names what is wrong ("host a, plugin cpu, field user: value 'x'
 * is not a number"), so a bad record is rejected at the first hop that sees it.
 *
 * <pre>{@code
 * {"host":"web1","plugin":"load","time":1700000000,"values":{"load":0.42,"other":null},"meta":{...}}
 * }</pre>
 */
public final class BatchCodec {
    private static final Set<String> BATCH_KEYS = Set.of("host", "plugin", "time", "values", "meta");
    private static final Set<String> PLUGIN_KEYS = Set.of("name", "title", "category", "vlabel", "args", "order",
            "info", "period", "total", "scale", "printf", "width", "height", "fields", "extra");
    private static final Set<String> FIELD_KEYS = Set.of("name", "label", "type", "draw", "colour", "min", "max",
            "cdef", "negative", "graph", "warning", "critical", "info", "extra");

    private static final JsonFactory FACTORY = Json.factory();

    private BatchCodec() {}

    public static byte[] encode(SampleBatch batch) {
        return json(256, g -> write(batch, g));
    }

    public static byte[] encode(Plugin plugin) {
        return json(512, g -> write(plugin, g));
    }

    /** What one of the {@code write} methods writes, as bytes; {@code size} is the buffer's first guess. */
    private static byte[] json(int size, Writing writing) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writing.to(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private interface Writing {
        void to(JsonGenerator g) throws IOException;
    }

    /** Writes a batch as one JSON object, for callers that stream many into a larger document. */
    public static void write(SampleBatch batch, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("host", batch.host());
        g.writeStringField("plugin", batch.plugin());
        g.writeNumberField("time", batch.timestamp());
        g.writeObjectFieldStart("values");
        for (Map.Entry<String, Double> e : batch.values().entrySet()) {
            double v = e.getValue();
            if (Double.isNaN(v)) {
                g.writeNullField(e.getKey());
            } else {
                g.writeNumberField(e.getKey(), v);
            }
        }
        g.writeEndObject();
        if (batch.meta() != null) {
            g.writeFieldName("meta");
            write(batch.meta(), g);
        }
        g.writeEndObject();
    }

    public static void write(Plugin p, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", p.name());
        g.writeStringField("title", p.title());
        g.writeStringField("category", p.category());
        optional(g, "vlabel", p.vlabel());
        optional(g, "args", p.args());
        if (!p.order().isEmpty()) {
            g.writeArrayFieldStart("order");
            for (String o : p.order()) {
                g.writeString(o);
            }
            g.writeEndArray();
        }
        optional(g, "info", p.info());
        g.writeStringField("period", p.period());
        optional(g, "total", p.total());
        g.writeBooleanField("scale", p.scale());
        optional(g, "printf", p.printf());
        if (p.width() != null) {
            g.writeNumberField("width", p.width());
        }
        if (p.height() != null) {
            g.writeNumberField("height", p.height());
        }
        g.writeArrayFieldStart("fields");
        for (Field f : p.fields()) {
            write(f, g);
        }
        g.writeEndArray();
        writeExtra(g, p.extra());
        g.writeEndObject();
    }

    private static void write(Field f, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", f.name());
        g.writeStringField("label", f.label());
        g.writeStringField("type", f.type().name());
        optional(g, "draw", f.draw());
        optional(g, "colour", f.colour());
        if (f.min() != null) {
            g.writeNumberField("min", f.min());
        }
        if (f.max() != null) {
            g.writeNumberField("max", f.max());
        }
        optional(g, "cdef", f.cdef());
        optional(g, "negative", f.negative());
        g.writeBooleanField("graph", f.graph());
        optional(g, "warning", f.warning());
        optional(g, "critical", f.critical());
        optional(g, "info", f.info());
        writeExtra(g, f.extra());
        g.writeEndObject();
    }

    private static void writeExtra(JsonGenerator g, Map<String, String> extra) throws IOException {
        if (extra.isEmpty()) {
            return;
        }
        g.writeObjectFieldStart("extra");
        for (Map.Entry<String, String> e : extra.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static void optional(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    public static SampleBatch decodeBatch(byte[] json) {
        return readBatch(parse(json, "batch"));
    }

    public static Plugin decodePlugin(byte[] json) {
        return readPlugin(parse(json, "plugin metadata"), "");
    }

    private static JsonNode parse(byte[] json, String what) {
        try {
            return Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new CodecException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a batch from an already parsed tree, as the pull link's client does for each record. */
    public static SampleBatch readBatch(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new CodecException("batch is not a JSON object: " + abbreviate(String.valueOf(node)));
        }
        String host = text(node, "host", "batch");
        String plugin = text(node, "plugin", "batch host " + host);
        String where = "host " + host + ", plugin " + plugin;
        unknownKeys(node, BATCH_KEYS, where);
        JsonNode time = node.get("time");
        if (time == null || !time.canConvertToExactIntegral() || !time.canConvertToLong()) {
            throw new CodecException(where + ": time '" + time + "' is not an epoch second");
        }
        JsonNode valuesNode = node.get("values");
        if (valuesNode == null || !valuesNode.isObject()) {
            throw new CodecException(where + ": values '" + abbreviate(String.valueOf(valuesNode))
                    + "' is not an object of field to number");
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = valuesNode.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isNull()) {
                values.put(e.getKey(), Double.NaN);
            } else if (v.isNumber()) {
                values.put(e.getKey(), v.doubleValue());
            } else {
                throw new CodecException(where + ", field " + e.getKey() + ": value '" + abbreviate(v.toString())
                        + "' is not a number");
            }
        }
        JsonNode metaNode = node.get("meta");
        Plugin meta = metaNode == null || metaNode.isNull() ? null : readPlugin(metaNode, where + ", meta: ");
        try {
            return new SampleBatch(host, plugin, time.longValue(), values, meta);
        } catch (IllegalArgumentException e) {
            throw new CodecException(e.getMessage(), e);
        }
    }

    /** Reads plugin metadata from an already parsed tree (a storage's side file or index). */
    public static Plugin readPlugin(JsonNode node) {
        return readPlugin(node, "");
    }

    private static Plugin readPlugin(JsonNode node, String prefix) {
        if (!node.isObject()) {
            throw new CodecException(prefix + "plugin metadata is not a JSON object");
        }
        String name = text(node, "name", prefix + "plugin");
        String where = prefix + "plugin " + name;
        unknownKeys(node, PLUGIN_KEYS, where);
        try {
            Plugin.Builder b = Plugin.builder(name)
                    .title(optionalText(node, "title", where))
                    .category(optionalText(node, "category", where))
                    .vlabel(optionalText(node, "vlabel", where))
                    .args(optionalText(node, "args", where))
                    .info(optionalText(node, "info", where))
                    .period(optionalText(node, "period", where))
                    .total(optionalText(node, "total", where))
                    .printf(optionalText(node, "printf", where))
                    .width(optionalInt(node, "width", where))
                    .height(optionalInt(node, "height", where))
                    .scale(optionalBoolean(node, "scale", where, true));
            JsonNode order = node.get("order");
            if (order != null && !order.isNull()) {
                b.order(strings(order, where + ", order"));
            }
            JsonNode fields = node.get("fields");
            if (fields != null && !fields.isNull()) {
                if (!fields.isArray()) {
                    throw new CodecException(where + ": fields is not an array");
                }
                List<Field> list = new ArrayList<>();
                for (JsonNode f : (ArrayNode) fields) {
                    list.add(readField(f, where));
                }
                b.fields(list);
            }
            extra(node, where).forEach(b::extra);
            return b.build();
        } catch (CodecException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new CodecException(where + ": " + e.getMessage(), e);
        }
    }

    private static Field readField(JsonNode node, String pluginWhere) {
        if (!node.isObject()) {
            throw new CodecException(pluginWhere + ": a field is not a JSON object: " + abbreviate(node.toString()));
        }
        String name = text(node, "name", pluginWhere + ", field");
        String where = pluginWhere + ", field " + name;
        unknownKeys(node, FIELD_KEYS, where);
        String type = optionalText(node, "type", where);
        Field.Builder b;
        try {
            b = Field.builder(name)
                    .label(optionalText(node, "label", where))
                    .type(type == null ? FieldType.GAUGE : FieldType.parse(type))
                    .draw(optionalText(node, "draw", where))
                    .colour(optionalText(node, "colour", where))
                    .min(optionalDouble(node, "min", where))
                    .max(optionalDouble(node, "max", where))
                    .cdef(optionalText(node, "cdef", where))
                    .negative(optionalText(node, "negative", where))
                    .graph(optionalBoolean(node, "graph", where, true))
                    .warning(optionalText(node, "warning", where))
                    .critical(optionalText(node, "critical", where))
                    .info(optionalText(node, "info", where));
            extra(node, where).forEach(b::extra);
            return b.build();
        } catch (CodecException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new CodecException(where + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> extra(JsonNode node, String where) {
        JsonNode extra = node.get("extra");
        Map<String, String> out = new LinkedHashMap<>();
        if (extra == null || extra.isNull()) {
            return out;
        }
        if (!extra.isObject()) {
            throw new CodecException(where + ": extra is not an object of key to text");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = extra.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new CodecException(where + ", extra " + e.getKey() + ": value '"
                        + abbreviate(e.getValue().toString()) + "' is not text");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    private static void unknownKeys(JsonNode node, Set<String> known, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new CodecException(where + ": unknown key '" + abbreviate(key) + "'");
            }
        }
    }

    private static String text(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual()) {
            throw new CodecException(where + ": " + key + " '" + abbreviate(String.valueOf(v)) + "' is not text");
        }
        return v.textValue();
    }

    private static String optionalText(JsonNode node, String key, String where) {
        return optional(node, key, where, JsonNode::isTextual, "text", JsonNode::textValue, null);
    }

    private static Integer optionalInt(JsonNode node, String key, String where) {
        return optional(node, key, where, v -> v.isInt() && v.intValue() > 0, "a positive whole number",
                JsonNode::intValue, null);
    }

    private static Double optionalDouble(JsonNode node, String key, String where) {
        return optional(node, key, where, JsonNode::isNumber, "a number", JsonNode::doubleValue, null);
    }

    private static boolean optionalBoolean(JsonNode node, String key, String where, boolean otherwise) {
        return optional(node, key, where, JsonNode::isBoolean, "true or false", JsonNode::booleanValue, otherwise);
    }

    /**
     * The value of {@code key}, {@code otherwise} when it is absent or null; a value that is not {@code is} is an
     * error that quotes it and says what it must be ({@code what}).
     */
    private static <T> T optional(JsonNode node, String key, String where, Predicate<JsonNode> is, String what,
            Function<JsonNode, T> value, T otherwise) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!is.test(v)) {
            throw new CodecException(where + ": " + key + " '" + abbreviate(v.toString()) + "' is not " + what);
        }
        return value.apply(v);
    }

    private static List<String> strings(JsonNode node, String where) {
        if (!node.isArray()) {
            throw new CodecException(where + ": '" + abbreviate(node.toString()) + "' is not an array of text");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : node) {
            if (!n.isTextual()) {
                throw new CodecException(where + ": '" + abbreviate(n.toString()) + "' is not text");
            }
            out.add(n.textValue());
        }
        return out;
    }

    /** Plugin metadata as a tree, for HTTP answers that embed it. */
    public static ObjectNode tree(Plugin plugin) {
        try {
            return (ObjectNode) Json.mapper().readTree(encode(plugin));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
