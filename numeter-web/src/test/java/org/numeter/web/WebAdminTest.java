package org.numeter.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.web.WebAdmin.GroupInfo;
import org.numeter.web.WebAdmin.HostInfo;
import org.numeter.web.WebAdmin.Refused;
import org.numeter.web.WebAdmin.UserInfo;

/** The admin facade on an embedded H2 database: each operation, and each refusal with its exact message. */
class WebAdminTest {
    @TempDir
    Path dir;

    WebAdmin admin;

    @BeforeEach
    void open() {
        admin = open(dir);
    }

    static WebAdmin open(Path dir) {
        return WebAdmin.open(WebServer.builder().dataDir(dir).passwordCost(4));
    }

    @AfterEach
    void close() {
        admin.close();
    }

    @Test
    void addsUsersWithAGivenOrAGeneratedPassword() {
        admin.addGroup("ops");
        WebAdmin.Added alice = admin.addUser("alice", "alice@example.org", true, List.of("ops"), "alice-password");
        WebAdmin.Added bob = admin.addUser("bob", "", false, List.of(), null);

        assertThat(alice.password()).isNull();
        assertThat(alice.user()).isEqualTo(new UserInfo("alice", "alice@example.org", true, true, List.of("ops")));
        assertThat(bob.password()).hasSize(16).matches("[A-Za-z0-9]+");
        assertThat(bob.toString()).doesNotContain(bob.password());
        assertThat(admin.users()).containsExactly(alice.user(), new UserInfo("bob", "", true, false, List.of()));
    }

    @Test
    void refusesWhatTheRestApiRefuses() {
        admin.addUser("alice", "", false, List.of(), null);
        assertRefused(() -> admin.addUser("alice", "", false, List.of(), null), "username 'alice' is taken");
        assertRefused(() -> admin.addUser("<script>", "", false, List.of(), null),
                "username '<script>' is not valid (letters, digits, '.', '_', '-'; at most 64)");
        assertRefused(() -> admin.addUser("x'; DROP TABLE users; --", "", false, List.of(), null),
                "username 'x'; DROP TABLE users; --' is not valid (letters, digits, '.', '_', '-'; at most 64)");
        assertRefused(() -> admin.addUser("carol", "not an email", false, List.of(), null),
                "email 'not an email' is not valid (name@domain)");
        assertRefused(() -> admin.addUser("carol", "", false, List.of(), "short"),
                "password must have 8 to 200 characters");
        assertRefused(() -> admin.addUser("carol", "", false, List.of("nobody"), null), "group 'nobody' is unknown");
        assertRefused(() -> admin.addGroup("a\nb"),
                "group name 'a b' is not valid (letters, digits, spaces, '.', '_', '-'; at most 64)");
        admin.addGroup("ops");
        assertRefused(() -> admin.addGroup("ops"), "group 'ops' exists");
        assertRefused(() -> admin.setPassword("carol", null), "user 'carol' is unknown");
        assertRefused(() -> admin.setActive("carol", false), "user 'carol' is unknown");
        assertRefused(() -> admin.deleteUser("carol"), "user 'carol' is unknown");
        assertRefused(() -> admin.deleteGroup("dev"), "group 'dev' is unknown");
        assertRefused(() -> admin.addMember("dev", "alice"), "group 'dev' is unknown");
        assertRefused(() -> admin.addMember("ops", "carol"), "user 'carol' is unknown");
        assertRefused(() -> admin.setHostGroups("bad host!", List.of()), "host 'bad host!' is not a valid host name");
        assertRefused(() -> admin.setHostGroups("web1", List.of("ops", "dev")), "group 'dev' is unknown");

        // Nothing refused changed anything.
        assertThat(admin.users()).containsExactly(new UserInfo("alice", "", true, false, List.of()));
        assertThat(admin.groups()).containsExactly(new GroupInfo("ops", List.of(), List.of()));
        assertThat(admin.hosts()).isEmpty();
    }

    @Test
    void setsPasswordsAndActivity() {
        admin.addUser("alice", "", false, List.of(), "first-password");
        assertThat(admin.setPassword("alice", "second-password")).isNull();
        String generated = admin.setPassword("alice", null);
        assertThat(generated).hasSize(16);

        assertThat(admin.setActive("alice", false).active()).isFalse();
        assertThat(admin.users()).extracting(UserInfo::active).containsExactly(false);
        assertThat(admin.setActive("alice", true).active()).isTrue();

        admin.deleteUser("alice");
        assertThat(admin.users()).isEmpty();
    }

    @Test
    void managesGroupsAndMembers() {
        admin.addUser("alice", "", false, List.of(), null);
        admin.addUser("bob", "", false, List.of(), null);
        assertThat(admin.addGroup("web team")).isEqualTo(new GroupInfo("web team", List.of(), List.of()));
        admin.addGroup("dba");

        assertThat(admin.addMember("web team", "bob")).isTrue();
        assertThat(admin.addMember("web team", "alice")).isTrue();
        assertThat(admin.addMember("web team", "alice")).isFalse();
        assertThat(admin.addMember("dba", "alice")).isTrue();
        assertThat(admin.groups()).containsExactly(new GroupInfo("dba", List.of("alice"), List.of()),
                new GroupInfo("web team", List.of("alice", "bob"), List.of()));

        assertThat(admin.removeMember("web team", "bob")).isTrue();
        assertThat(admin.removeMember("web team", "bob")).isFalse();
        admin.deleteGroup("dba");
        assertThat(admin.groups()).containsExactly(new GroupInfo("web team", List.of("alice"), List.of()));
        assertThat(admin.users()).extracting(UserInfo::groups).containsExactly(List.of("web team"), List.of());
    }

    @Test
    void assignsHostsTheWebHasNotSeenYet() {
        admin.addGroup("ops");
        admin.addGroup("web");
        assertThat(admin.setHostGroups("web1.example.org", List.of("web", "ops", "web")))
                .isEqualTo(new HostInfo("web1.example.org", List.of("ops", "web")));
        assertThat(admin.setHostGroups("db1", List.of("ops"))).isEqualTo(new HostInfo("db1", List.of("ops")));
        assertThat(admin.hosts()).containsExactly(new HostInfo("db1", List.of("ops")),
                new HostInfo("web1.example.org", List.of("ops", "web")));
        assertThat(admin.groups()).containsExactly(new GroupInfo("ops", List.of(), List.of("db1", "web1.example.org")),
                new GroupInfo("web", List.of(), List.of("web1.example.org")));

        assertThat(admin.setHostGroups("web1.example.org", List.of()))
                .isEqualTo(new HostInfo("web1.example.org", List.of()));
        assertThat(admin.hosts()).containsExactly(new HostInfo("db1", List.of("ops")),
                new HostInfo("web1.example.org", List.of()));
    }

    @Test
    void keepsItsChangesAcrossOpenings() {
        admin.addGroup("ops");
        admin.addUser("alice", "", true, List.of("ops"), null);
        admin.close();
        admin = open(dir);
        assertThat(admin.users()).containsExactly(new UserInfo("alice", "", true, true, List.of("ops")));
    }

    static void assertRefused(Runnable operation, String message) {
        assertThatThrownBy(operation::run).isInstanceOf(Refused.class).hasMessage(message);
    }
}
