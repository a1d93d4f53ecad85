package org.numeter.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Map;

/**
 * The one Jackson configuration of the project; HTTP servers and clients use this mapper too.
 *
 * <p>What a poller writes (its status, its spool's figures, {@code /health} and {@code /ready}, a registration) goes
 * through {@link #bytes(Object)}, Jackson's streaming generator only: the mapper and its databind (about 450
 * classes, 4 MB of a poller's 48, docs/decisions.md "Poller footprint") are made the first time something asks for
 * {@link #mapper()}, which a poller never does.
 */
public final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {}

    /** Made on first use: loading it loads databind. */
    private static final class Mapper {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .build();
    }

    public static ObjectMapper mapper() {
        return Mapper.MAPPER;
    }

    /** Jackson's streaming factory, without databind: for generators and parsers that need no mapper. */
    public static JsonFactory factory() {
        return FACTORY;
    }

    /**
     * {@code value} as JSON, written as {@link #mapper()} writes it: a record as an object of its components in
     * order, a map as an object, an iterable or array as an array, an enum as its name, nulls kept. For the plain
     * documents servers answer; anything else (a bean, a date) is refused rather than guessed at.
     */
    public static byte[] bytes(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new IllegalStateException("writing " + value.getClass().getName() + " as JSON: " + e, e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, Object value) throws IOException {
        switch (value) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Double d -> g.writeNumber(d);
            case Float f -> g.writeNumber(f);
            case Short s -> g.writeNumber(s);
            case Byte b -> g.writeNumber(b);
            case Number n -> g.writeNumber(n.toString());
            case CharSequence s -> g.writeString(s.toString());
            case Enum<?> e -> g.writeString(e.name());
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            case Iterable<?> items -> {
                g.writeStartArray();
                for (Object item : items) {
                    write(g, item);
                }
                g.writeEndArray();
            }
            case Object[] items -> {
                g.writeStartArray();
                for (Object item : items) {
                    write(g, item);
                }
                g.writeEndArray();
            }
            case Record r -> {
                g.writeStartObject();
                for (RecordComponent c : r.getClass().getRecordComponents()) {
                    g.writeFieldName(c.getName());
                    write(g, component(r, c));
                }
                g.writeEndObject();
            }
            default -> throw new IllegalArgumentException("cannot write a " + value.getClass().getName()
                    + " as JSON: only records, maps, iterables, arrays, strings, numbers, booleans and enums");
        }
    }

    private static Object component(Record r, RecordComponent c) {
        try {
            var accessor = c.getAccessor();
            accessor.setAccessible(true); // a record of a package-private class (a role's own status) is still written
            return accessor.invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("reading " + r.getClass().getName() + "." + c.getName() + ": " + e, e);
        }
    }
}
