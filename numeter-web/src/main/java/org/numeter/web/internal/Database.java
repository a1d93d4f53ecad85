package org.numeter.web.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.Closeable;
import org.flywaydb.core.Flyway;

/** The web's own relational database: a connection pool, migrated to the newest schema when opened. */
public final class Database implements Closeable {
    private final HikariDataSource pool;
    private final Db db;

    private Database(HikariDataSource pool) {
        this.pool = pool;
        this.db = new Db(pool);
    }

    /** Opens the pool and applies every migration under {@code db/migration}; fails naming the URL. */
    public static Database open(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(8);
        config.setPoolName("numeter-web");
        // A database that does not answer is reported (GET /ready) within seconds, not after Hikari's 30 s.
        config.setConnectionTimeout(5_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("web database " + url + " cannot be opened: " + e.getMessage(), e);
        }
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new IllegalStateException("web database " + url + " cannot be migrated: " + e.getMessage(), e);
        }
        return new Database(pool);
    }

    public Db db() {
        return db;
    }

    /** Null when the database answers a connection check within 2 s, else why not. */
    public String problem() {
        try (java.sql.Connection c = pool.getConnection()) {
            return c.isValid(2) ? null : "the connection check failed";
        } catch (java.sql.SQLException | RuntimeException e) {
            return e.getMessage();
        }
    }

    public boolean isOpen() {
        return !pool.isClosed();
    }

    @Override
    public void close() {
        pool.close();
    }
}
