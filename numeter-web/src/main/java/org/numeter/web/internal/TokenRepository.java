package org.numeter.web.internal;

import java.util.List;
import java.util.Optional;

/** API tokens for scripts: a user creates and revokes its own; only a hash is stored. */
public final class TokenRepository {
    /** A token as its owner sees it, without the secret. */
    public record ApiToken(long id, String name, long createdAt, Long lastUsed) {}

    private final Db db;

    public TokenRepository(Db db) {
        this.db = db;
    }

    public long create(long userId, String name, String secret, long now) {
        return db.insert("INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
                userId, name, Secrets.sha256(secret), now);
    }

    public List<ApiToken> ofUser(long userId) {
        return db.list("SELECT id, name, created_at, last_used FROM api_tokens WHERE user_id = ? ORDER BY id",
                rs -> new ApiToken(rs.getLong(1), rs.getString(2), rs.getLong(3),
                        rs.getObject(4) == null ? null : rs.getLong(4)), userId);
    }

    /** The owner of a token, and marks it used. */
    public Optional<Long> userOf(String secret, long now) {
        String hash = Secrets.sha256(secret);
        Optional<Long> user = db.one("SELECT user_id FROM api_tokens WHERE token_hash = ?", rs -> rs.getLong(1), hash);
        user.ifPresent(u -> db.update("UPDATE api_tokens SET last_used = ? WHERE token_hash = ?", now, hash));
        return user;
    }

    public boolean revoke(long userId, long tokenId) {
        return db.update("DELETE FROM api_tokens WHERE id = ? AND user_id = ?", tokenId, userId) == 1;
    }
}
