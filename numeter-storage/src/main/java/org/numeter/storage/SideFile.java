package org.numeter.storage;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.numeter.codec.BatchCodec;
import org.numeter.codec.CodecException;
import org.numeter.codec.Json;
import org.numeter.model.Plugin;

/**
 * A plugin's {@code <plugin>.json} beside its RRD file: the metadata as the codec writes it, and which data source
 * holds which field ({@code {"plugin":{...},"ds":{"field":"dsName"}}}). The store's index keeps the same object for
 * every plugin.
 */
record SideFile(Plugin plugin, Map<String, String> dataSources) {

    SideFile {
        dataSources = Collections.unmodifiableMap(new LinkedHashMap<>(dataSources));
    }

    /** Reads a side file; a file that is not one throws {@link CodecException} naming it. */
    static SideFile read(Path path) throws IOException {
        JsonNode root;
        try {
            root = Json.mapper().readTree(Files.readAllBytes(path));
        } catch (IOException e) {
            if (e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
                throw new CodecException(path + ": " + e.getMessage(), e);
            }
            throw e;
        }
        return of(root, path.toString());
    }

    /** The side file in a parsed tree; {@code where} names it in the message of a {@link CodecException}. */
    static SideFile of(JsonNode root, String where) {
        JsonNode plugin = root == null ? null : root.get("plugin");
        JsonNode ds = root == null ? null : root.get("ds");
        if (plugin == null || ds == null || !ds.isObject()) {
            throw new CodecException(where + ": 'plugin' and 'ds' are both needed");
        }
        Map<String, String> names = new LinkedHashMap<>();
        ds.properties().forEach(e -> names.put(e.getKey(), e.getValue().asText()));
        try {
            return new SideFile(BatchCodec.readPlugin(plugin), names);
        } catch (IllegalArgumentException e) {
            throw new CodecException(where + ": " + e.getMessage(), e);
        }
    }

    /** Reads the JSON text of a side file (as the index keeps it); {@code where} names it in an error. */
    static SideFile parse(String json, String where) {
        try {
            return of(Json.mapper().readTree(json), where);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CodecException(where + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The JSON text of this side file. */
    String json() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            writeTo(g);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    void writeTo(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeFieldName("plugin");
        BatchCodec.write(plugin, g);
        g.writeObjectFieldStart("ds");
        for (var e : dataSources.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * Replaces the file whole ({@link RrdFiles#writeAtomically}): a crash leaves the old version or the new one,
     * never half of one. The caller syncs the directory.
     */
    void write(Path path) throws IOException {
        RrdFiles.writeAtomically(path, bytes());
    }

    /**
     * Writes the file in place, for a new plugin whose RRD file does not exist yet: the store reads a side file only
     * beside its RRD file, made after this one, so a crash that cuts this write leaves nothing that is read, and the
     * plugin's next creation writes it again.
     */
    void writeNew(Path path) throws IOException {
        ByteBuffer b = bytes();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }

    private ByteBuffer bytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            writeTo(g);
        }
        return ByteBuffer.wrap(out.toByteArray());
    }
}
