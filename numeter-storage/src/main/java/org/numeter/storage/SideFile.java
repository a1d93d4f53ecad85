package org.numeter.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.numeter.codec.BatchCodec;
import org.numeter.codec.CodecException;
import org.numeter.codec.Json;
import org.numeter.model.Plugin;

/**
 * A plugin's {@code <plugin>.json} beside its RRD file: the metadata as the codec writes it, and which data source
 * holds which field ({@code {"plugin":{...},"ds":{"field":"dsName"}}}).
 */
record SideFile(Plugin plugin, Map<String, String> dataSources) {

    SideFile {
        dataSources = Collections.unmodifiableMap(new LinkedHashMap<>(dataSources));
    }

    static SideFile read(Path path) throws IOException {
        JsonNode root;
        try {
            root = Json.mapper().readTree(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
        JsonNode plugin = root.get("plugin");
        JsonNode ds = root.get("ds");
        if (plugin == null || ds == null || !ds.isObject()) {
            throw new CodecException(path + ": 'plugin' and 'ds' are both needed");
        }
        Map<String, String> names = new LinkedHashMap<>();
        ds.properties().forEach(e -> names.put(e.getKey(), e.getValue().asText()));
        return new SideFile(BatchCodec.decodePlugin(Json.mapper().writeValueAsBytes(plugin)), names);
    }

    /** Replaces the file whole, so a crash leaves the old version or the new one, never half of one. */
    void write(Path path) throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        root.set("plugin", BatchCodec.tree(plugin));
        ObjectNode ds = root.putObject("ds");
        dataSources.forEach(ds::put);
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.write(tmp, Json.mapper().writeValueAsBytes(root));
        try {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
