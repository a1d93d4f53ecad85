package org.numeter.collector.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.numeter.codec.Json;
import org.numeter.collector.PollerAddress;
import org.numeter.io.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What pollers registered, kept on disk so that a collector restarted (cleanly or killed) drains them again at
 * once: {@code {"version":1,"pollers":[{"host":..,"url":..,"token":..}]}}, replaced whole on every change
 * ({@link AtomicFiles}), readable by its owner only since it holds the pollers' tokens. A file that cannot be read
 * at start is moved aside with a WARN and the collector starts without it: the pollers' heartbeats register them
 * again within an interval.
 */
public final class RegistrationsFile {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationsFile.class);
    private static final int VERSION = 1;

    private final Path path;

    public RegistrationsFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** The registrations kept; none when there is no file yet, or when it was unreadable (then quarantined). */
    public List<PollerAddress> load(Instant now) {
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            return quarantine("cannot be read (" + e + ")", now);
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(content);
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            return quarantine("is not JSON (" + why + ")", now);
        }
        if (root == null || !root.isObject() || root.path("version").asInt() != VERSION
                || !root.path("pollers").isArray()) {
            return quarantine("is not a version " + VERSION + " registrations file", now);
        }
        List<PollerAddress> out = new ArrayList<>();
        int i = 0;
        for (JsonNode p : root.get("pollers")) {
            i++;
            try {
                String token = p.path("token").isTextual() ? p.get("token").textValue() : null;
                out.add(PollerAddress.of(p.path("host").asText(), p.path("url").asText(), token));
            } catch (IllegalArgumentException e) {
                // One bad entry costs that poller until its next heartbeat, not the others.
                LOG.warn("registrations file {}: entry {} skipped: {}", path, i, e.getMessage());
            }
        }
        LOG.info("registrations file {}: {} pollers", path, out.size());
        return out;
    }

    private List<PollerAddress> quarantine(String why, Instant now) {
        try {
            Path aside = AtomicFiles.quarantine(path, now);
            LOG.warn("registrations file {} {}: moved to {}; starting without it, the pollers register again with"
                    + " their next heartbeat", path, why, aside);
        } catch (IOException e) {
            LOG.warn("registrations file {} {}, and it cannot be moved aside ({}); starting without it", path, why,
                    e.toString());
        }
        return List.of();
    }

    /** Replaces the file with these registrations. */
    public void save(Collection<PollerAddress> pollers) throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("version", VERSION);
        ArrayNode list = root.putArray("pollers");
        for (PollerAddress a : pollers) {
            ObjectNode p = list.addObject();
            p.put("host", a.host());
            p.put("url", a.url().toString());
            if (a.token() != null) {
                p.put("token", a.token());
            }
        }
        AtomicFiles.write(path, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root), true);
    }
}
