package org.numeter.web.internal;

import java.util.Optional;

/** Login sessions, kept in the database so that several web processes behind one address share them. */
public final class SessionRepository {
    /** A live session. */
    public record Session(long userId, String csrf, long expiresAt) {}

    private final Db db;

    public SessionRepository(Db db) {
        this.db = db;
    }

    public void create(String id, long userId, String csrf, long now, long expiresAt) {
        db.update("INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                Secrets.sha256(id), userId, csrf, now, expiresAt);
    }

    public Optional<Session> find(String id, long now) {
        return db.one("SELECT user_id, csrf, expires_at FROM sessions WHERE id_hash = ? AND expires_at > ?",
                rs -> new Session(rs.getLong(1), rs.getString(2), rs.getLong(3)), Secrets.sha256(id), now);
    }

    public void delete(String id) {
        db.update("DELETE FROM sessions WHERE id_hash = ?", Secrets.sha256(id));
    }

    public void deleteOfUser(long userId) {
        db.update("DELETE FROM sessions WHERE user_id = ?", userId);
    }

    public int deleteExpired(long now) {
        return db.update("DELETE FROM sessions WHERE expires_at <= ?", now);
    }
}
