package org.numeter.storage;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.numeter.codec.Json;
import org.numeter.model.Names;
import org.numeter.store.Archives;

/**
 * {@code <dataDir>/.index.json}: what the store knows of every plugin (its metadata and data sources, as in its side
 * file, its archives, its last update, and the size and time of its side file), so that a start reads one file
 * instead of opening every RRD file ({@code docs/decisions.md}, "Storage start").
 *
 * <p>It is a hint, never the truth: the store checks each plugin against its files when it first uses it (the last
 * update and the data sources from the RRD file, the side file when its size or time changed), and a background
 * pass adopts files the index does not list and forgets those that are gone. A missing, truncated or unreadable
 * index is rebuilt from the files. It is written whole, atomically ({@link RrdFiles#writeAtomically}), when
 * plugins were added or changed, at most every few seconds, and when the store closes.
 */
final class StoreIndex {
    static final String FILE = ".index.json";
    private static final int FORMAT = 2;

    /**
     * One plugin as the index keeps it. The side file's JSON stays text until the plugin is used, so that a start
     * reads 20,000 plugins without decoding their metadata; a list needs only the title, category and field count.
     *
     * @param side the side file's JSON text ({@link SideFile#json()})
     * @param sideSize the side file's size when last read, -1 when it had none
     * @param sideModified its modification time in milliseconds when last read
     */
    record Item(String host, String plugin, Archives archives, long lastUpdate, String side, String title,
            String category, int fields, long sideSize, long sideModified) {}

    /** What a read found: the items, or why there are none to trust (and whether it is just not there). */
    record Loaded(List<Item> items, String problem, boolean missing) {
        Loaded(List<Item> items, String problem) {
            this(items, problem, false);
        }
    }

    private StoreIndex() {}

    static Path path(Path dataDir) {
        return dataDir.resolve(FILE);
    }

    /** Reads the index; never throws: a missing or broken one is a {@link Loaded#problem()}. */
    static Loaded read(Path dataDir, Archives configured) {
        Path file = path(dataDir);
        List<Item> items = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file);
                JsonParser p = Json.mapper().getFactory().createParser(in)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, "not a JSON object");
            long count = -1;
            boolean formatSeen = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "format" -> {
                        expect(p.getIntValue() == FORMAT, "format " + p.getText() + " is not " + FORMAT);
                        formatSeen = true;
                    }
                    case "plugins" -> {
                        expect(p.currentToken() == JsonToken.START_ARRAY, "plugins is not an array");
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            items.add(item(p, configured));
                        }
                    }
                    case "count" -> count = p.getLongValue();
                    default -> p.skipChildren();
                }
            }
            expect(formatSeen, "it has no format");
            // the count is written last: a file cut short has none, or one that does not match
            expect(count == items.size(), "it lists " + items.size() + " plugins but says " + count);
            return new Loaded(items, null);
        } catch (NoSuchFileException e) {
            return new Loaded(List.of(), file + " does not exist (a first start, or a store made by an older version)",
                    true);
        } catch (IOException | RuntimeException e) {
            return new Loaded(List.of(), file + " cannot be read (" + e.getMessage() + ")");
        }
    }

    /** One plugin, read token by token (a tree per plugin would cost a start more than the rest). */
    private static Item item(JsonParser p, Archives configured) throws IOException {
        String host = null;
        String plugin = null;
        String side = null;
        String title = null;
        String category = null;
        long step = 0;
        long lastUpdate = 0;
        long sideSize = -1;
        long sideModified = 0;
        int fields = 0;
        List<Archives.Tier> tiers = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "host" -> host = p.getText();
                case "plugin" -> plugin = p.getText();
                case "step" -> step = p.getLongValue();
                case "lastUpdate" -> lastUpdate = p.getLongValue();
                case "title" -> title = t == JsonToken.VALUE_NULL ? null : p.getText();
                case "category" -> category = t == JsonToken.VALUE_NULL ? null : p.getText();
                case "fields" -> fields = p.getIntValue();
                case "side" -> side = p.getText();
                case "tiers" -> {
                    while (p.nextToken() == JsonToken.START_ARRAY) {
                        p.nextToken();
                        int steps = p.getIntValue();
                        p.nextToken();
                        int rows = p.getIntValue();
                        p.nextToken();
                        tiers.add(new Archives.Tier(steps, rows));
                    }
                }
                case "sideFile" -> {
                    p.nextToken();
                    sideSize = p.getLongValue();
                    p.nextToken();
                    sideModified = p.getLongValue();
                    p.nextToken();
                }
                default -> p.skipChildren();
            }
        }
        Names.requireHost(host);
        Names.requirePlugin(plugin);
        expect(side != null, host + "/" + plugin + " has no side file");
        Archives found = new Archives(configured.name(), step, tiers);
        Archives archives = found.step() == configured.step() && found.tiers().equals(configured.tiers())
                ? configured : new Archives(RrdLayout.describe(found), step, tiers);
        return new Item(host, plugin, archives, lastUpdate, side, title, category, fields, sideSize, sideModified);
    }

    private static void expect(boolean ok, String problem) throws IOException {
        if (!ok) {
            throw new IOException(problem);
        }
    }

    /** Writes the index whole, atomically, and syncs the directory. */
    static void write(Path dataDir, Collection<Item> items) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, items.size() * 700));
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("format", FORMAT);
            g.writeArrayFieldStart("plugins");
            for (Item i : items) {
                g.writeStartObject();
                g.writeStringField("host", i.host());
                g.writeStringField("plugin", i.plugin());
                g.writeNumberField("step", i.archives().step());
                g.writeArrayFieldStart("tiers");
                for (Archives.Tier t : i.archives().tiers()) {
                    g.writeStartArray();
                    g.writeNumber(t.steps());
                    g.writeNumber(t.rows());
                    g.writeEndArray();
                }
                g.writeEndArray();
                g.writeNumberField("lastUpdate", i.lastUpdate());
                g.writeArrayFieldStart("sideFile");
                g.writeNumber(i.sideSize());
                g.writeNumber(i.sideModified());
                g.writeEndArray();
                g.writeStringField("title", i.title());
                g.writeStringField("category", i.category());
                g.writeNumberField("fields", i.fields());
                g.writeStringField("side", i.side());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("count", items.size());
            g.writeEndObject();
        }
        RrdFiles.writeAtomically(path(dataDir), ByteBuffer.wrap(out.toByteArray()));
        RrdFiles.syncDirectory(dataDir);
    }
}
