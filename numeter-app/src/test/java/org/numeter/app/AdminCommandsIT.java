package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.numeter.app.AdminCommandsTest.ok;
import static org.numeter.app.AdminCommandsTest.run;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.codec.Json;
import org.numeter.web.WebServer;

/**
 * The admin commands against a real web: a password set by {@code numeter user passwd} logs in once the web starts
 * on the same data dir, and a web running on the embedded database makes the commands fail with one clear line.
 */
@Timeout(90)
class AdminCommandsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path data;

    private AdminCommandsTest.Result admin(String stdin, String... args) {
        return run(stdin, Stream.concat(Arrays.stream(args), Stream.of("--set", "data-dir=" + data))
                .toArray(String[]::new));
    }

    @Test
    void aPasswordSetByTheCommandLogsInToTheWeb() throws Exception {
        String added = ok(admin("", "user", "add", "alice", "--superuser")).out();
        Matcher m = Pattern.compile("with the password (\\S+) ").matcher(added);
        assertThat(m.find()).as(added).isTrue();
        String generated = m.group(1);
        assertThat(ok(admin("", "user", "list")).out()).contains("alice").contains("yes     yes");
        assertThat(ok(admin("alice-new-password\n", "user", "passwd", "alice", "--password-stdin")).out())
                .isEqualTo("password of 'alice' set\n");

        // The command has finished and closed the database: the web opens the same file.
        WebServer web = WebServer.builder().bind("127.0.0.1").port(0).dataDir(data.resolve("web"))
                .storages(List.of()).build();
        try {
            web.start();
            assertThat(login(web.uri(), "alice", "alice-new-password")).isEqualTo(200);
            assertThat(login(web.uri(), "alice", generated)).isEqualTo(401);
        } finally {
            web.close();
        }
    }

    private static int login(URI web, String username, String password) throws Exception {
        String body = Json.mapper().writeValueAsString(Map.of("username", username, "password", password));
        return HTTP.send(HttpRequest.newBuilder(web.resolve("/api/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aWebRunningOnTheEmbeddedDatabaseIsNamed() throws Exception {
        int port = NumeterProcess.freePort();
        try (NumeterProcess web = NumeterProcess.of("web", "web", Map.of(
                Settings.DATA_DIR.name(), data.toString(),
                Settings.WEB_BIND.name(), "127.0.0.1",
                Settings.WEB_PORT.name(), String.valueOf(port),
                Settings.WEB_STORAGES.name(), "http://127.0.0.1:1",
                Settings.WEB_ADMIN_PASSWORD.name(), "admin-password"), List.of(), port, "/health",
                Paths.get("target", "e2e", "admin")).start()) {
            web.awaitReady();
            assertThat(admin("", "user", "list")).isEqualTo(new AdminCommandsTest.Result(1, "",
                    "numeter user list: the web's database " + data.resolve("web").resolve("web") + ".mv.db is in use"
                            + " by a running numeter web; stop it or use the web's admin pages / REST API\n"));
            web.stop(); // SIGTERM: its shutdown hook closes the database (the JVM answers 143)
        }
        assertThat(ok(admin("", "user", "list")).out()).isEqualTo("""
                USERNAME  EMAIL  ACTIVE  SUPERUSER  GROUPS
                admin            yes     yes
                """);
    }
}
