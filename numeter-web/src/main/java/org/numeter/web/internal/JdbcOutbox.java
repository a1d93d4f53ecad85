package org.numeter.web.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.numeter.alert.Change;
import org.numeter.alert.notify.Outbox;
import org.numeter.codec.Json;

/**
 * The notification queue in the web's database ({@code alert_outbox}): every state move is one conditional
 * {@code UPDATE}, so that two webs on one PostgreSQL never both take a notice.
 */
public final class JdbcOutbox implements Outbox {
    private static final TypeReference<List<Change>> CHANGES = new TypeReference<>() {};
    private static final String ENTRY = "SELECT id, contact_id, host_id, changes, held, attempts, created_at,"
            + " due_at, status, error FROM alert_outbox";

    private final Db db;

    public JdbcOutbox(Db db) {
        this.db = db;
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        List<Change> changes;
        try {
            changes = Json.mapper().readValue(rs.getString(4), CHANGES);
        } catch (IOException e) {
            throw new SQLException("alert_outbox " + rs.getLong(1) + ": changes unreadable: " + e.getMessage(), e);
        }
        return new Entry(rs.getLong(1), rs.getLong(2), rs.getString(3), changes, rs.getInt(5), rs.getInt(6),
                rs.getLong(7), rs.getLong(8), Status.valueOf(rs.getString(9)), rs.getString(10));
    }

    private static String json(List<Change> changes) {
        try {
            return Json.mapper().writeValueAsString(changes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void add(long contactId, Change change, long nowMillis, long windowMillis) {
        db.inTransaction(tx -> {
            Optional<Entry> open = tx.one(ENTRY + " WHERE contact_id = ? AND host_id = ? AND status = 'PENDING'"
                    + " AND attempts = 0 AND held = 0 AND due_at > ? ORDER BY id", JdbcOutbox::entry, contactId,
                    change.host(), nowMillis);
            if (open.isPresent()) {
                List<Change> more = new ArrayList<>(open.get().changes());
                more.add(change);
                if (tx.update("UPDATE alert_outbox SET changes = ? WHERE id = ? AND status = 'PENDING' AND attempts = 0",
                        json(more), open.get().id()) == 1) {
                    return null;
                }
            }
            tx.insert("INSERT INTO alert_outbox (contact_id, host_id, changes, held, status, attempts, created_at,"
                    + " due_at) VALUES (?, ?, ?, 0, 'PENDING', 0, ?, ?)", contactId, change.host(),
                    json(List.of(change)), nowMillis, nowMillis + windowMillis);
            return null;
        });
    }

    @Override
    public List<Entry> due(long nowMillis, int max) {
        return db.list(ENTRY + " WHERE status = 'PENDING' AND due_at <= ? ORDER BY due_at, id LIMIT " + max,
                JdbcOutbox::entry, nowMillis);
    }

    @Override
    public boolean claim(long id, long nowMillis) {
        return db.update("UPDATE alert_outbox SET status = 'SENDING', attempts = attempts + 1, claimed_at = ?"
                + " WHERE id = ? AND status = 'PENDING'", nowMillis, id) == 1;
    }

    @Override
    public void sent(long id, long nowMillis) {
        db.update("UPDATE alert_outbox SET status = 'SENT', sent_at = ?, error = NULL WHERE id = ?", nowMillis, id);
    }

    @Override
    public void retry(long id, long dueAtMillis, String error) {
        db.update("UPDATE alert_outbox SET status = 'PENDING', due_at = ?, error = ? WHERE id = ?"
                + " AND status = 'SENDING'", dueAtMillis, cut(error), id);
    }

    @Override
    public void fail(long id, String error, long nowMillis) {
        db.update("UPDATE alert_outbox SET status = 'FAILED', error = ? WHERE id = ?", cut(error), id);
    }

    @Override
    public void drop(long id, String why, long nowMillis) {
        db.update("UPDATE alert_outbox SET status = 'DROPPED', error = ? WHERE id = ? AND status = 'PENDING'",
                cut(why), id);
    }

    @Override
    public void hold(long id, long nowMillis) {
        db.update("UPDATE alert_outbox SET status = 'HELD' WHERE id = ? AND status = 'PENDING'", id);
    }

    private static String cut(String s) {
        return s == null || s.length() <= 1000 ? s : s.substring(0, 999) + "…";
    }

    @Override
    public int sentSince(long contactId, long sinceMillis) {
        return db.one("SELECT COUNT(*) FROM alert_outbox WHERE contact_id = ? AND status = 'SENT' AND sent_at >= ?",
                rs -> rs.getInt(1), contactId, sinceMillis).orElse(0);
    }

    @Override
    public List<Long> contactsHolding() {
        return db.list("SELECT DISTINCT contact_id FROM alert_outbox WHERE status = 'HELD'", rs -> rs.getLong(1));
    }

    @Override
    public Optional<Long> summarize(long contactId, long nowMillis, int maxChanges) {
        return db.inTransaction(tx -> {
            List<Entry> held = tx.list(ENTRY + " WHERE contact_id = ? AND status = 'HELD' ORDER BY id",
                    JdbcOutbox::entry, contactId);
            List<Change> changes = new ArrayList<>();
            int n = 0;
            for (Entry e : held) {
                if (tx.update("UPDATE alert_outbox SET status = 'SUMMARIZED' WHERE id = ? AND status = 'HELD'",
                        e.id()) != 1) {
                    continue;
                }
                n++;
                for (Change c : e.changes()) {
                    if (changes.size() < maxChanges) {
                        changes.add(c);
                    }
                }
            }
            if (n == 0) {
                return Optional.<Long>empty();
            }
            return Optional.of(tx.insert("INSERT INTO alert_outbox (contact_id, host_id, changes, held, status,"
                    + " attempts, created_at, due_at) VALUES (?, NULL, ?, ?, 'PENDING', 0, ?, ?)", contactId,
                    json(changes), n, nowMillis, nowMillis));
        });
    }

    @Override
    public int requeueStale(long claimedBeforeMillis) {
        return db.update("UPDATE alert_outbox SET status = 'PENDING' WHERE status = 'SENDING' AND claimed_at < ?",
                claimedBeforeMillis);
    }

    @Override
    public Map<Status, Long> counts() {
        Map<Status, Long> out = new EnumMap<>(Status.class);
        db.list("SELECT status, COUNT(*) FROM alert_outbox GROUP BY status", rs -> {
            out.put(Status.valueOf(rs.getString(1)), rs.getLong(2));
            return null;
        });
        return out;
    }

    @Override
    public List<Entry> recent(int max) {
        return db.list(ENTRY + " ORDER BY id DESC LIMIT " + max, JdbcOutbox::entry);
    }
}
