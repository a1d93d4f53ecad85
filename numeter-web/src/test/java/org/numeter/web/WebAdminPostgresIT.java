package org.numeter.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.numeter.web.WebAdminTest.assertRefused;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.numeter.web.WebAdmin.GroupInfo;
import org.numeter.web.WebAdmin.HostInfo;
import org.numeter.web.WebAdmin.UserInfo;

/**
 * The admin facade on PostgreSQL at 127.0.0.1:5432 (user postgres), in a database it creates and drops. Two
 * facades open at once, as an admin command beside a running web would be. No PostgreSQL is a failure.
 */
class WebAdminPostgresIT {
    static final String SERVER = System.getProperty("numeter.test.postgres", "jdbc:postgresql://127.0.0.1:5432/");

    String name;

    @BeforeEach
    void create() throws Exception {
        name = "numeter_admin_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE DATABASE " + name);
    }

    @AfterEach
    void drop() throws Exception {
        execute("DROP DATABASE IF EXISTS " + name);
    }

    private static void execute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private WebAdmin open() {
        return WebAdmin.open(WebServer.builder().database(SERVER + name, "postgres", "").passwordCost(4));
    }

    @Test
    void everyOperationOnPostgres() {
        try (WebAdmin first = open(); WebAdmin second = open()) {
            first.addGroup("ops");
            WebAdmin.Added alice = first.addUser("alice", "a@example.org", true, List.of("ops"), null);
            assertThat(alice.password()).hasSize(16);
            assertRefused(() -> second.addUser("alice", "", false, List.of(), null), "username 'alice' is taken");
            assertRefused(() -> second.addGroup("ops"), "group 'ops' exists");

            second.addUser("bob", "", false, List.of(), "bob-password");
            assertThat(second.setPassword("bob", null)).hasSize(16);
            assertThat(second.setActive("bob", false).active()).isFalse();
            assertThat(second.addMember("ops", "bob")).isTrue();
            assertThat(second.setHostGroups("db1.example.org", List.of("ops")))
                    .isEqualTo(new HostInfo("db1.example.org", List.of("ops")));

            assertThat(first.users()).containsExactly(
                    new UserInfo("alice", "a@example.org", true, true, List.of("ops")),
                    new UserInfo("bob", "", false, false, List.of("ops")));
            assertThat(first.groups()).containsExactly(
                    new GroupInfo("ops", List.of("alice", "bob"), List.of("db1.example.org")));
            assertThat(first.hosts()).containsExactly(new HostInfo("db1.example.org", List.of("ops")));

            assertThat(first.removeMember("ops", "bob")).isTrue();
            first.deleteUser("bob");
            first.deleteGroup("ops");
            assertThat(second.users()).containsExactly(new UserInfo("alice", "a@example.org", true, true, List.of()));
            assertThat(second.hosts()).containsExactly(new HostInfo("db1.example.org", List.of()));
        }
    }

    @Test
    void anUnreachableDatabaseIsOneLine() {
        WebServer.Builder settings = WebServer.builder().database(SERVER + name + "_missing", "postgres", "");
        assertRefused(() -> WebAdmin.open(settings).close(), "web database " + SERVER + name
                + "_missing cannot be opened: Failed to initialize pool: FATAL: database \"" + name
                + "_missing\" does not exist");
    }
}
