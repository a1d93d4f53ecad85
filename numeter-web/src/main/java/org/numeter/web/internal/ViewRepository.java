package org.numeter.web.internal;

import java.util.List;
import java.util.Optional;

/** Views: a named graph of chosen fields from any hosts, with optional warning and critical lines. */
public final class ViewRepository {
    /** One field of one plugin of one host. */
    public record Source(String host, String plugin, String field) {}

    /** A view with every source, before any permission filter. */
    public record View(long id, long ownerId, String name, Double warning, Double critical, List<Source> sources) {}

    private final Db db;

    public ViewRepository(Db db) {
        this.db = db;
    }

    public long create(long ownerId, String name, Double warning, Double critical, List<Source> sources, long now) {
        return db.inTransaction(tx -> {
            long id = tx.insert("INSERT INTO views (owner_id, name, warning, critical, created_at)"
                    + " VALUES (?, ?, ?, ?, ?)", ownerId, name, warning, critical, now);
            insertSources(tx, id, sources);
            return id;
        });
    }

    public boolean update(long id, String name, Double warning, Double critical, List<Source> sources) {
        return db.inTransaction(tx -> {
            if (tx.update("UPDATE views SET name = ?, warning = ?, critical = ? WHERE id = ?", name, warning,
                    critical, id) != 1) {
                return false;
            }
            tx.update("DELETE FROM view_sources WHERE view_id = ?", id);
            insertSources(tx, id, sources);
            return true;
        });
    }

    private static void insertSources(Db tx, long id, List<Source> sources) {
        for (int i = 0; i < sources.size(); i++) {
            Source s = sources.get(i);
            tx.update("INSERT INTO view_sources (view_id, pos, host_id, plugin, field_name) VALUES (?, ?, ?, ?, ?)",
                    id, i, s.host(), s.plugin(), s.field());
        }
    }

    public Optional<View> byId(long id) {
        return db.one("SELECT id, owner_id, name, warning, critical FROM views WHERE id = ?", rs -> new View(
                rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getObject(4, Double.class),
                rs.getObject(5, Double.class), List.of()), id)
                .map(v -> new View(v.id(), v.ownerId(), v.name(), v.warning(), v.critical(), sources(v.id())));
    }

    /** Every view with a warning or a critical line, with its sources: the alert rules views make. */
    public List<View> withThresholds() {
        return db.list("SELECT id FROM views WHERE warning IS NOT NULL OR critical IS NOT NULL ORDER BY id",
                rs -> rs.getLong(1)).stream().map(this::byId).flatMap(Optional::stream).toList();
    }

    public List<Long> ownedBy(long ownerId) {
        return db.list("SELECT id FROM views WHERE owner_id = ? ORDER BY id", rs -> rs.getLong(1), ownerId);
    }

    public boolean delete(long id) {
        return db.update("DELETE FROM views WHERE id = ?", id) == 1;
    }

    private List<Source> sources(long viewId) {
        return db.list("SELECT host_id, plugin, field_name FROM view_sources WHERE view_id = ? ORDER BY pos",
                rs -> new Source(rs.getString(1), rs.getString(2), rs.getString(3)), viewId);
    }
}
