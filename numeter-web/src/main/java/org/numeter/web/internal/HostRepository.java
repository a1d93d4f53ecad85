package org.numeter.web.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The hosts the web has seen on its storages, and the groups each belongs to. */
public final class HostRepository {
    private final Db db;

    public HostRepository(Db db) {
        this.db = db;
    }

    /** Records a host the first time a storage reports it; answers whether it was new. */
    public boolean addIfAbsent(String hostId, String storage, long now) {
        try {
            return db.update("INSERT INTO hosts (id, storage, first_seen) SELECT ?, ?, ?"
                    + " WHERE NOT EXISTS (SELECT 1 FROM hosts WHERE id = ?)", hostId, storage, now, hostId) == 1;
        } catch (Db.DataAccessException e) {
            if (e.duplicateKey()) {
                return false;
            }
            throw e;
        }
    }

    /** When the web first saw the host, epoch milliseconds. */
    public java.util.Optional<Long> firstSeen(String hostId) {
        return db.one("SELECT first_seen FROM hosts WHERE id = ?", rs -> rs.getLong(1), hostId);
    }

    public List<String> all() {
        return db.list("SELECT id FROM hosts ORDER BY id", rs -> rs.getString(1));
    }

    public boolean exists(String hostId) {
        return db.one("SELECT 1 FROM hosts WHERE id = ?", rs -> 1, hostId).isPresent();
    }

    /** The hosts of the user's groups. */
    public List<String> visibleTo(long userId) {
        return db.list("SELECT DISTINCT hg.host_id FROM host_groups hg JOIN memberships m ON m.group_id = hg.group_id"
                + " WHERE m.user_id = ? ORDER BY hg.host_id", rs -> rs.getString(1), userId);
    }

    public boolean visibleTo(long userId, String hostId) {
        return db.one("SELECT 1 FROM host_groups hg JOIN memberships m ON m.group_id = hg.group_id"
                + " WHERE m.user_id = ? AND hg.host_id = ?", rs -> 1, userId, hostId).isPresent();
    }

    public List<Group> groupsOf(String hostId) {
        return db.list("SELECT g.id, g.name FROM access_groups g JOIN host_groups hg ON hg.group_id = g.id"
                + " WHERE hg.host_id = ? ORDER BY g.name", GroupRepository::group, hostId);
    }

    /** The names of the groups a user belongs to. */
    public List<String> groupsOfUser(long userId) {
        return db.list("SELECT g.name FROM access_groups g JOIN memberships m ON m.group_id = g.id"
                + " WHERE m.user_id = ? ORDER BY g.name", rs -> rs.getString(1), userId);
    }

    /** Every assignment, host id to group names, for the tree. */
    public Map<String, List<String>> assignments() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        db.list("SELECT hg.host_id, g.name FROM host_groups hg JOIN access_groups g ON g.id = hg.group_id"
                + " ORDER BY hg.host_id, g.name", rs -> {
                    out.computeIfAbsent(rs.getString(1), k -> new java.util.ArrayList<>()).add(rs.getString(2));
                    return null;
                });
        return out;
    }

    public void assign(String hostId, long groupId) {
        db.update("INSERT INTO host_groups (host_id, group_id) SELECT ?, ?"
                + " WHERE NOT EXISTS (SELECT 1 FROM host_groups WHERE host_id = ? AND group_id = ?)",
                hostId, groupId, hostId, groupId);
    }

    /** Replaces the host's groups by these, in one transaction. */
    public void setGroups(String hostId, List<Long> groupIds) {
        db.inTransaction(tx -> {
            tx.update("DELETE FROM host_groups WHERE host_id = ?", hostId);
            for (long g : groupIds) {
                tx.update("INSERT INTO host_groups (host_id, group_id) VALUES (?, ?)", hostId, g);
            }
            return null;
        });
    }
}
