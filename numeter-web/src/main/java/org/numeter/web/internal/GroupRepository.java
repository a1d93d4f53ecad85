package org.numeter.web.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Groups, their members and their hosts. */
public final class GroupRepository {
    private final Db db;

    public GroupRepository(Db db) {
        this.db = db;
    }

    public long create(String name, long now) {
        return db.insert("INSERT INTO access_groups (name, created_at) VALUES (?, ?)", name, now);
    }

    public List<Group> all() {
        return db.list("SELECT id, name FROM access_groups ORDER BY name", GroupRepository::group);
    }

    public Optional<Group> byId(long id) {
        return db.one("SELECT id, name FROM access_groups WHERE id = ?", GroupRepository::group, id);
    }

    public Optional<Group> byName(String name) {
        return db.one("SELECT id, name FROM access_groups WHERE name = ?", GroupRepository::group, name);
    }

    public boolean rename(long id, String name) {
        return db.update("UPDATE access_groups SET name = ? WHERE id = ?", name, id) == 1;
    }

    public boolean delete(long id) {
        return db.update("DELETE FROM access_groups WHERE id = ?", id) == 1;
    }

    public List<User> members(long groupId) {
        return db.list("SELECT u.id, u.username, u.email, u.active, u.superuser FROM users u"
                + " JOIN memberships m ON m.user_id = u.id WHERE m.group_id = ? ORDER BY u.username",
                UserRepository::user, groupId);
    }

    public List<String> hosts(long groupId) {
        return db.list("SELECT host_id FROM host_groups WHERE group_id = ? ORDER BY host_id", rs -> rs.getString(1),
                groupId);
    }

    static Group group(ResultSet rs) throws SQLException {
        return new Group(rs.getLong("id"), rs.getString("name"));
    }
}
