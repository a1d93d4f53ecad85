package org.numeter.web.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.numeter.alert.AlertState;
import org.numeter.alert.Rule;
import org.numeter.alert.notify.Contact;

/** The web's alert data: administrators' rules, acknowledgements, silences, contacts and feed cursors. */
public final class AlertRepository {
    /** A rule as stored, with its id. */
    public record StoredRule(long id, Rule rule, Long createdBy, long createdAt) {}

    /** An acknowledgement of one problem until a moment (epoch seconds). */
    public record Ack(long id, String host, String plugin, String field, String comment, long until, Long createdBy,
            String by, long createdAt) {}

    /** A silence of a host glob and a plugin glob until a moment; applies to the hosts its creator may see. */
    public record Silence(long id, String hosts, String plugins, String comment, long until, Long createdBy,
            String by, long createdAt) {}

    /** Where the web stopped reading a storage's change feed. */
    public record Cursor(String epoch, long seq) {}

    private final Db db;

    public AlertRepository(Db db) {
        this.db = db;
    }

    // ---- rules

    public List<StoredRule> rules() {
        return db.list("SELECT id, host_glob, plugin_glob, field_glob, warning, critical, for_points, hysteresis,"
                + " created_by, created_at FROM alert_rules ORDER BY id", rs -> new StoredRule(rs.getLong(1),
                        new Rule(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                                rs.getObject(7, Integer.class), rs.getString(8), "rule " + rs.getLong(1)),
                        rs.getObject(9, Long.class), rs.getLong(10)));
    }

    public long addRule(Rule r, Long by, long now) {
        return db.insert("INSERT INTO alert_rules (host_glob, plugin_glob, field_glob, warning, critical, for_points,"
                + " hysteresis, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", r.hosts(), r.plugins(),
                r.fields(), r.warning(), r.critical(), r.forPoints(), r.hysteresis(), by, now);
    }

    public boolean deleteRule(long id) {
        return db.update("DELETE FROM alert_rules WHERE id = ?", id) == 1;
    }

    // ---- acknowledgements

    private static final String ACK = "SELECT a.id, a.host_id, a.plugin, a.field_name, a.comment, a.until_at,"
            + " a.created_by, u.username, a.created_at FROM alert_acks a LEFT JOIN users u ON u.id = a.created_by";

    private static Ack ack(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Ack(rs.getLong(1), rs.getString(2), blank(rs.getString(3)), blank(rs.getString(4)),
                rs.getString(5), rs.getLong(6), rs.getObject(7, Long.class), rs.getString(8), rs.getLong(9));
    }

    private static String blank(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String empty(String s) {
        return s == null ? "" : s;
    }

    public long addAck(String host, String plugin, String field, String comment, long until, long by, long now) {
        return db.insert("INSERT INTO alert_acks (host_id, plugin, field_name, comment, until_at, created_by,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", host, empty(plugin), empty(field), comment, until, by,
                now);
    }

    /** Acknowledgements in force at {@code now} (epoch seconds). */
    public List<Ack> acks(long now) {
        return db.list(ACK + " WHERE a.until_at > ? ORDER BY a.id", AlertRepository::ack, now);
    }

    public Optional<Ack> ack(long id) {
        return db.one(ACK + " WHERE a.id = ?", AlertRepository::ack, id);
    }

    public boolean deleteAck(long id) {
        return db.update("DELETE FROM alert_acks WHERE id = ?", id) == 1;
    }

    /** Ends the acknowledgements of a problem that is over (it came back to OK). */
    public int endAcks(String host, String plugin, String field) {
        return db.update("DELETE FROM alert_acks WHERE host_id = ? AND plugin = ? AND field_name = ?", host,
                empty(plugin), empty(field));
    }

    // ---- silences

    private static final String SILENCE = "SELECT s.id, s.host_glob, s.plugin_glob, s.comment, s.until_at,"
            + " s.created_by, u.username, s.created_at FROM alert_silences s LEFT JOIN users u ON u.id = s.created_by";

    private static Silence silence(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Silence(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getObject(6, Long.class), rs.getString(7), rs.getLong(8));
    }

    public long addSilence(String hosts, String plugins, String comment, long until, long by, long now) {
        return db.insert("INSERT INTO alert_silences (host_glob, plugin_glob, comment, until_at, created_by,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?)", hosts, plugins, comment, until, by, now);
    }

    public List<Silence> silences(long now) {
        return db.list(SILENCE + " WHERE s.until_at > ? ORDER BY s.id", AlertRepository::silence, now);
    }

    public Optional<Silence> silence(long id) {
        return db.one(SILENCE + " WHERE s.id = ?", AlertRepository::silence, id);
    }

    public boolean deleteSilence(long id) {
        return db.update("DELETE FROM alert_silences WHERE id = ?", id) == 1;
    }

    // ---- contacts

    private static final String CONTACT = "SELECT id, name, channel, target, secret, states, user_id, group_id"
            + " FROM alert_contacts";

    private static Contact contact(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Contact(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                states(rs.getString(6)), rs.getObject(7, Long.class), rs.getObject(8, Long.class));
    }

    static Set<AlertState> states(String csv) {
        Set<AlertState> out = EnumSet.noneOf(AlertState.class);
        for (String s : csv.split(",")) {
            if (!s.isBlank()) {
                out.add(AlertState.parse(s));
            }
        }
        return out;
    }

    public long addContact(String name, String channel, String target, String secret, Set<AlertState> states,
            Long userId, Long groupId, long now) {
        List<String> names = new ArrayList<>();
        for (AlertState s : AlertState.values()) {
            if (states.contains(s)) {
                names.add(s.name());
            }
        }
        return db.insert("INSERT INTO alert_contacts (name, channel, target, secret, states, user_id, group_id,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", name, channel, target, secret,
                String.join(",", names), userId, groupId, now);
    }

    public List<Contact> contacts() {
        return db.list(CONTACT + " ORDER BY id", AlertRepository::contact);
    }

    public Optional<Contact> contact(long id) {
        return db.one(CONTACT + " WHERE id = ?", AlertRepository::contact, id);
    }

    public boolean deleteContact(long id) {
        return db.update("DELETE FROM alert_contacts WHERE id = ?", id) == 1;
    }

    // ---- feed cursors

    public Optional<Cursor> cursor(String storage) {
        return db.one("SELECT epoch, seq FROM alert_cursors WHERE storage = ?",
                rs -> new Cursor(rs.getString(1), rs.getLong(2)), storage);
    }

    /**
     * Moves a storage's cursor from where it was read to a new place; false when another web moved it meanwhile
     * (the caller's transaction must then be rolled back, so that nothing is queued twice).
     */
    public boolean moveCursor(String storage, Cursor from, Cursor to) {
        if (from == null) {
            try {
                return db.update("INSERT INTO alert_cursors (storage, epoch, seq) VALUES (?, ?, ?)", storage,
                        to.epoch(), to.seq()) == 1;
            } catch (Db.DataAccessException e) {
                if (e.duplicateKey()) {
                    return false;
                }
                throw e;
            }
        }
        return db.update("UPDATE alert_cursors SET epoch = ?, seq = ? WHERE storage = ? AND epoch = ? AND seq = ?",
                to.epoch(), to.seq(), storage, from.epoch(), from.seq()) == 1;
    }
}
