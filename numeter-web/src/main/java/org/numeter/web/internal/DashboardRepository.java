package org.numeter.web.internal;

import java.util.List;
import java.util.Optional;

/** Dashboards: named, ordered collections of views, shared with users and groups. */
public final class DashboardRepository {
    /** A dashboard with its views and shares. */
    public record Dashboard(long id, long ownerId, String name, List<Long> viewIds, List<Long> userIds,
            List<Long> groupIds) {}

    private final Db db;

    public DashboardRepository(Db db) {
        this.db = db;
    }

    public long create(long ownerId, String name, List<Long> viewIds, List<Long> userIds, List<Long> groupIds,
            long now) {
        return db.inTransaction(tx -> {
            long id = tx.insert("INSERT INTO dashboards (owner_id, name, created_at) VALUES (?, ?, ?)", ownerId, name,
                    now);
            replaceContents(tx, id, viewIds, userIds, groupIds);
            return id;
        });
    }

    public boolean update(long id, String name, List<Long> viewIds, List<Long> userIds, List<Long> groupIds) {
        return db.inTransaction(tx -> {
            if (tx.update("UPDATE dashboards SET name = ? WHERE id = ?", name, id) != 1) {
                return false;
            }
            tx.update("DELETE FROM dashboard_views WHERE dashboard_id = ?", id);
            tx.update("DELETE FROM dashboard_user_shares WHERE dashboard_id = ?", id);
            tx.update("DELETE FROM dashboard_group_shares WHERE dashboard_id = ?", id);
            replaceContents(tx, id, viewIds, userIds, groupIds);
            return true;
        });
    }

    private static void replaceContents(Db tx, long id, List<Long> viewIds, List<Long> userIds, List<Long> groupIds) {
        for (int i = 0; i < viewIds.size(); i++) {
            tx.update("INSERT INTO dashboard_views (dashboard_id, pos, view_id) VALUES (?, ?, ?)", id, i,
                    viewIds.get(i));
        }
        for (long u : userIds) {
            tx.update("INSERT INTO dashboard_user_shares (dashboard_id, user_id) VALUES (?, ?)", id, u);
        }
        for (long g : groupIds) {
            tx.update("INSERT INTO dashboard_group_shares (dashboard_id, group_id) VALUES (?, ?)", id, g);
        }
    }

    public Optional<Dashboard> byId(long id) {
        return db.one("SELECT id, owner_id, name FROM dashboards WHERE id = ?",
                rs -> new Dashboard(rs.getLong(1), rs.getLong(2), rs.getString(3), List.of(), List.of(), List.of()),
                id).map(d -> new Dashboard(d.id(), d.ownerId(), d.name(),
                        ids("SELECT view_id FROM dashboard_views WHERE dashboard_id = ? ORDER BY pos", id),
                        ids("SELECT user_id FROM dashboard_user_shares WHERE dashboard_id = ? ORDER BY user_id", id),
                        ids("SELECT group_id FROM dashboard_group_shares WHERE dashboard_id = ? ORDER BY group_id",
                                id)));
    }

    /** Dashboards the user owns or that are shared with it or one of its groups. */
    public List<Long> readableBy(long userId) {
        return db.list("SELECT d.id FROM dashboards d WHERE d.owner_id = ?"
                + " OR EXISTS (SELECT 1 FROM dashboard_user_shares s WHERE s.dashboard_id = d.id AND s.user_id = ?)"
                + " OR EXISTS (SELECT 1 FROM dashboard_group_shares s JOIN memberships m ON m.group_id = s.group_id"
                + " WHERE s.dashboard_id = d.id AND m.user_id = ?) ORDER BY d.name, d.id",
                rs -> rs.getLong(1), userId, userId, userId);
    }

    public List<Long> all() {
        return ids("SELECT id FROM dashboards ORDER BY name, id");
    }

    /** Whether the view is on a dashboard the user may read: then the user may read the view. */
    public boolean viewReadableBy(long userId, long viewId) {
        return db.one("SELECT 1 FROM dashboard_views dv JOIN dashboards d ON d.id = dv.dashboard_id"
                + " WHERE dv.view_id = ? AND (d.owner_id = ?"
                + " OR EXISTS (SELECT 1 FROM dashboard_user_shares s WHERE s.dashboard_id = d.id AND s.user_id = ?)"
                + " OR EXISTS (SELECT 1 FROM dashboard_group_shares s JOIN memberships m ON m.group_id = s.group_id"
                + " WHERE s.dashboard_id = d.id AND m.user_id = ?))", rs -> 1, viewId, userId, userId, userId)
                .isPresent();
    }

    public boolean delete(long id) {
        return db.update("DELETE FROM dashboards WHERE id = ?", id) == 1;
    }

    private List<Long> ids(String sql, Object... args) {
        return db.list(sql, rs -> rs.getLong(1), args);
    }
}
