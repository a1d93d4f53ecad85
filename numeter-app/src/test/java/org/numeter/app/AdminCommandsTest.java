package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.codec.Json;

/** {@code numeter user|group|host} on the embedded database of a data dir: output, exit codes, messages. */
class AdminCommandsTest {
    @TempDir
    Path data;

    /** What a command printed and answered. */
    record Result(int code, String out, String err) {}

    static Result run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Numeter.run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    Result admin(String... args) {
        return adminWithInput("", args);
    }

    Result adminWithInput(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--set");
        all.add("data-dir=" + data);
        return run(stdin, all.toArray(String[]::new));
    }

    static Result ok(Result r) {
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        return r;
    }

    @Test
    void setsUpUsersGroupsAndHosts() throws Exception {
        assertThat(ok(admin("group", "add", "ops")).out()).isEqualTo("group 'ops' added\n");
        assertThat(ok(adminWithInput("alice-password\n", "user", "add", "alice", "--superuser", "--group", "ops",
                "--email", "alice@example.org", "--password-stdin")).out()).isEqualTo("user 'alice' added\n");
        String bob = ok(admin("user", "add", "bob")).out();
        assertThat(bob).matches("user 'bob' added with the password [A-Za-z0-9]{16} \\(shown once\\)\n");
        assertThat(ok(admin("group", "add-member", "ops", "bob")).out()).isEqualTo("user 'bob' is in group 'ops'\n");
        assertThat(ok(admin("user", "disable", "bob")).out()).isEqualTo("user 'bob' disabled\n");
        assertThat(ok(admin("host", "groups", "db1.example.org", "ops")).out())
                .isEqualTo("host 'db1.example.org' is in groups ops\n");

        assertThat(ok(admin("user", "list")).out()).isEqualTo("""
                USERNAME  EMAIL              ACTIVE  SUPERUSER  GROUPS
                alice     alice@example.org  yes     yes        ops
                bob                          no      no         ops
                """);
        assertThat(ok(admin("group", "list")).out()).isEqualTo("""
                GROUP  MEMBERS    HOSTS
                ops    alice,bob  db1.example.org
                """);
        assertThat(ok(admin("host", "list")).out()).isEqualTo("""
                HOST             GROUPS
                db1.example.org  ops
                """);

        JsonNode users = Json.mapper().readTree(ok(admin("user", "list", "--json")).out());
        assertThat(users.toString()).isEqualTo("[{\"username\":\"alice\",\"email\":\"alice@example.org\","
                + "\"active\":true,\"superuser\":true,\"groups\":[\"ops\"]},{\"username\":\"bob\",\"email\":\"\","
                + "\"active\":false,\"superuser\":false,\"groups\":[\"ops\"]}]");
        JsonNode added = Json.mapper().readTree(ok(admin("user", "add", "carol", "--json")).out());
        assertThat(added.get("user").get("username").asText()).isEqualTo("carol");
        assertThat(added.get("password").asText()).hasSize(16);

        assertThat(ok(admin("group", "remove-member", "ops", "bob")).out())
                .isEqualTo("user 'bob' is not in group 'ops'\n");
        assertThat(ok(admin("user", "delete", "bob")).out()).isEqualTo("user 'bob' deleted\n");
        assertThat(ok(admin("host", "groups", "db1.example.org")).out())
                .isEqualTo("host 'db1.example.org' is in no group\n");
        assertThat(ok(admin("group", "delete", "ops")).out()).isEqualTo("group 'ops' deleted\n");
        assertThat(ok(admin("group", "list", "--json")).out()).isEqualTo("[]\n");
    }

    @Test
    void aRefusalIsOneLineOnStandardErrorAndExitCodeOne() {
        ok(admin("user", "add", "alice"));
        assertThat(admin("user", "add", "alice")).isEqualTo(new Result(1, "",
                "numeter user add: username 'alice' is taken\n"));
        assertThat(admin("user", "passwd", "nobody")).isEqualTo(new Result(1, "",
                "numeter user passwd: user 'nobody' is unknown\n"));
        assertThat(admin("group", "add-member", "ops", "alice")).isEqualTo(new Result(1, "",
                "numeter group add-member: group 'ops' is unknown\n"));
        assertThat(admin("host", "groups", "../etc")).isEqualTo(new Result(1, "",
                "numeter host groups: host '../etc' is not a valid host name\n"));
        assertThat(adminWithInput("short\n", "user", "passwd", "alice", "--password-stdin")).isEqualTo(
                new Result(1, "", "numeter user passwd: password must have 8 to 200 characters\n"));
        assertThat(adminWithInput("", "user", "passwd", "alice", "--password-stdin")).isEqualTo(new Result(1, "",
                "numeter user passwd: --password-stdin: standard input is empty; a password line is expected\n"));
    }

    @Test
    void badUsageAndBadConfigurationExitWithTwo() {
        Result missing = admin("user", "add");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).startsWith("Missing required parameter: 'USERNAME'");

        Result unknownKey = admin("user", "list", "--set", "storage.port=1");
        assertThat(unknownKey.code()).isEqualTo(2);
        assertThat(unknownKey.err()).contains("option storage.port is not a known key");

        Result noSubcommand = admin("group");
        assertThat(noSubcommand.code()).isEqualTo(2);
    }
}
