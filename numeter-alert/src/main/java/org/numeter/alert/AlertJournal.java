package org.numeter.alert;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.numeter.codec.Json;
import org.numeter.spool.FileSpool;
import org.numeter.spool.SpoolRecord;
import org.numeter.spool.SpoolStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the alert engine's state survives, in its own folder of the storage's data dir:
 *
 * <ul>
 *   <li>{@code journal/}: every state change, in order, one JSON record each, in a {@link FileSpool} (CRC-checked
 *       records, fsync before {@link #append} returns, a torn tail cut off on open). Its sequences are the change
 *       feed's; history older than the retention is acknowledged away.
 *   <li>{@code state.json}: a snapshot of the states (and each host's interval) up to a sequence, replaced
 *       atomically, so that a start reads the snapshot and then only the journal after it.
 *   <li>{@code epoch}: a random id made with the folder; a reader of the feed that sees another one knows that the
 *       sequences started again (a new data dir).
 * </ul>
 */
final class AlertJournal implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertJournal.class);

    /** What {@code state.json} holds. */
    record Snapshot(long seq, Map<String, Long> intervals, List<Change> states) {}

    private final Path dir;
    private final FileSpool spool;
    private final String epoch;

    private AlertJournal(Path dir, FileSpool spool, String epoch) {
        this.dir = dir;
        this.spool = spool;
        this.epoch = epoch;
    }

    static AlertJournal open(Path dir, long maxBytes) throws IOException {
        Files.createDirectories(dir);
        Path epochFile = dir.resolve("epoch");
        String epoch = null;
        if (Files.exists(epochFile)) {
            epoch = Files.readString(epochFile, StandardCharsets.US_ASCII).trim();
        }
        if (epoch == null || epoch.isEmpty()) {
            epoch = UUID.randomUUID().toString();
            AtomicFile.write(epochFile, (epoch + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        FileSpool spool = FileSpool.builder(dir.resolve("journal")).maxBytes(maxBytes)
                .durability(FileSpool.Durability.SYNC).open();
        return new AlertJournal(dir, spool, epoch);
    }

    String epoch() {
        return epoch;
    }

    /** Appends the changes with one fsync and answers them with their sequences. */
    List<Change> append(List<Change> changes) throws IOException {
        List<byte[]> payloads = new ArrayList<>(changes.size());
        for (Change c : changes) {
            payloads.add(Json.mapper().writeValueAsBytes(c.withSeq(0)));
        }
        long last = spool.appendAll(payloads);
        long first = last - changes.size() + 1;
        List<Change> out = new ArrayList<>(changes.size());
        for (int i = 0; i < changes.size(); i++) {
            out.add(changes.get(i).withSeq(first + i));
        }
        return out;
    }

    /** Up to {@code max} changes after {@code after}, oldest first; a record that cannot be read is skipped. */
    List<Change> read(long after, int max) throws IOException {
        List<Change> out = new ArrayList<>();
        for (SpoolRecord r : spool.read(after + 1, max)) {
            try {
                out.add(Json.mapper().readValue(r.payload(), Change.class).withSeq(r.sequence()));
            } catch (IOException e) {
                LOG.warn("{}: journal record {} unreadable, skipped: {}", dir, r.sequence(), e.getMessage());
            }
        }
        return out;
    }

    /** The first sequence still held (history before it was forgotten), and the last appended. */
    long first() {
        SpoolStats s = spool.stats();
        return s.lastSequence() - s.records() + 1;
    }

    long last() {
        return spool.stats().lastSequence();
    }

    /** Lets history up to a sequence go (it is in a snapshot, and older than the retention). */
    void forget(long upTo) throws IOException {
        spool.ack(upTo);
    }

    Snapshot loadSnapshot() {
        Path file = dir.resolve("state.json");
        if (!Files.exists(file)) {
            return new Snapshot(0, Map.of(), List.of());
        }
        try {
            return Json.mapper().readValue(Files.readAllBytes(file), new TypeReference<Snapshot>() {});
        } catch (IOException e) {
            // The journal still holds every change not forgotten: rebuild from it rather than refuse to start.
            Path aside = dir.resolve("state.json.unreadable-" + System.currentTimeMillis());
            try {
                Files.move(file, aside);
            } catch (IOException moved) {
                LOG.warn("{}: cannot move aside: {}", file, moved.getMessage());
            }
            LOG.warn("{} unreadable ({}); moved to {}, states rebuilt from the journal", file, e.getMessage(),
                    aside.getFileName());
            return new Snapshot(0, Map.of(), List.of());
        }
    }

    void saveSnapshot(Snapshot s) throws IOException {
        AtomicFile.write(dir.resolve("state.json"), Json.mapper().writeValueAsBytes(s));
    }

    SpoolStats stats() {
        return spool.stats();
    }

    @Override
    public void close() throws IOException {
        spool.close();
    }
}
