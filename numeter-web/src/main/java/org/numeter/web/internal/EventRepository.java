package org.numeter.web.internal;

import java.util.List;
import java.util.Optional;

/** Events: a moment, a short title, a comment, and the hosts whose graphs show it. */
public final class EventRepository {
    /** An event with all its hosts, before any permission filter. */
    public record Event(long id, long at, String title, String comment, Long createdBy, List<String> hosts) {}

    private final Db db;

    public EventRepository(Db db) {
        this.db = db;
    }

    public long create(long at, String title, String comment, long createdBy, List<String> hosts, long now) {
        return db.inTransaction(tx -> {
            long id = tx.insert("INSERT INTO events (happened_at, title, details, created_by, created_at)"
                    + " VALUES (?, ?, ?, ?, ?)", at, title, comment, createdBy, now);
            for (String h : hosts) {
                tx.update("INSERT INTO event_hosts (event_id, host_id) VALUES (?, ?)", id, h);
            }
            return id;
        });
    }

    public Optional<Event> byId(long id) {
        return db.one("SELECT id, happened_at, title, details, created_by FROM events WHERE id = ?",
                rs -> new Event(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getObject(5, Long.class), List.of()), id).map(this::withHosts);
    }

    /** Events between two moments on any of the hosts, oldest first. */
    public List<Event> between(long from, long to, List<String> hosts) {
        if (hosts.isEmpty()) {
            return List.of();
        }
        String marks = String.join(",", java.util.Collections.nCopies(hosts.size(), "?"));
        Object[] args = new Object[hosts.size() + 2];
        args[0] = from;
        args[1] = to;
        for (int i = 0; i < hosts.size(); i++) {
            args[i + 2] = hosts.get(i);
        }
        return db.list("SELECT id, happened_at, title, details, created_by FROM events e"
                + " WHERE happened_at >= ? AND happened_at <= ? AND EXISTS (SELECT 1 FROM event_hosts eh"
                + " WHERE eh.event_id = e.id AND eh.host_id IN (" + marks + ")) ORDER BY happened_at, id",
                rs -> new Event(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getObject(5, Long.class), List.of()), args)
                .stream().map(this::withHosts).toList();
    }

    public boolean delete(long id) {
        return db.update("DELETE FROM events WHERE id = ?", id) == 1;
    }

    private Event withHosts(Event e) {
        return new Event(e.id(), e.at(), e.title(), e.comment(), e.createdBy(),
                db.list("SELECT host_id FROM event_hosts WHERE event_id = ? ORDER BY host_id",
                        rs -> rs.getString(1), e.id()));
    }
}
