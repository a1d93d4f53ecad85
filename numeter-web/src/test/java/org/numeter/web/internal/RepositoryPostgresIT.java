package org.numeter.web.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

/**
 * The repository contract on PostgreSQL at 127.0.0.1:5432 (user postgres), each test in a database it creates
 * and drops. No PostgreSQL there is a failure, never a skip.
 */
class RepositoryPostgresIT extends RepositoryContract {
    static final String SERVER = System.getProperty("numeter.test.postgres", "jdbc:postgresql://127.0.0.1:5432/");
    String name;

    @Override
    Database open() throws Exception {
        name = "numeter_web_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return Database.open(SERVER + name, "postgres", "");
    }

    @Override
    void drop() throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
        }
    }
}
