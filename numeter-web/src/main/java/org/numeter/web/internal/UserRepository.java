package org.numeter.web.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Users and their group memberships. */
public final class UserRepository {
    private static final String COLUMNS = "id, username, email, active, superuser";

    private final Db db;

    public UserRepository(Db db) {
        this.db = db;
    }

    public long create(String username, String email, String passwordHash, boolean active, boolean superuser,
            long now) {
        return db.insert("INSERT INTO users (username, email, password_hash, active, superuser, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", username, email, passwordHash, active, superuser, now);
    }

    public List<User> all() {
        return db.list("SELECT " + COLUMNS + " FROM users ORDER BY username", UserRepository::user);
    }

    public Optional<User> byId(long id) {
        return db.one("SELECT " + COLUMNS + " FROM users WHERE id = ?", UserRepository::user, id);
    }

    public Optional<User> byUsername(String username) {
        return db.one("SELECT " + COLUMNS + " FROM users WHERE username = ?", UserRepository::user, username);
    }

    public Optional<String> passwordHash(long id) {
        return db.one("SELECT password_hash FROM users WHERE id = ?", rs -> rs.getString(1), id);
    }

    public long count() {
        return db.one("SELECT COUNT(*) FROM users", rs -> rs.getLong(1)).orElse(0L);
    }

    public boolean update(long id, String email, boolean active, boolean superuser) {
        return db.update("UPDATE users SET email = ?, active = ?, superuser = ? WHERE id = ?", email, active,
                superuser, id) == 1;
    }

    /** Sets the password; {@code oneTime} makes the pages ask for a new one until the user changes it. */
    public boolean setPasswordHash(long id, String hash, boolean oneTime) {
        return db.update("UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?", hash, oneTime,
                id) == 1;
    }

    public boolean mustChangePassword(long id) {
        return db.one("SELECT must_change_password FROM users WHERE id = ?", rs -> rs.getBoolean(1), id)
                .orElse(false);
    }

    public boolean delete(long id) {
        return db.update("DELETE FROM users WHERE id = ?", id) == 1;
    }

    public List<Group> groupsOf(long userId) {
        return db.list("SELECT g.id, g.name FROM access_groups g JOIN memberships m ON m.group_id = g.id"
                + " WHERE m.user_id = ? ORDER BY g.name", GroupRepository::group, userId);
    }

    /** Replaces the user's groups by these, in one transaction. */
    public void setGroups(long userId, List<Long> groupIds) {
        db.inTransaction(tx -> {
            tx.update("DELETE FROM memberships WHERE user_id = ?", userId);
            for (long g : groupIds) {
                tx.update("INSERT INTO memberships (user_id, group_id) VALUES (?, ?)", userId, g);
            }
            return null;
        });
    }

    static User user(ResultSet rs) throws SQLException {
        return new User(rs.getLong("id"), rs.getString("username"), rs.getString("email"), rs.getBoolean("active"),
                rs.getBoolean("superuser"));
    }
}
