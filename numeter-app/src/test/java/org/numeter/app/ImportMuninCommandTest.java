package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.storage.RrdStore;

/** {@code numeter import-munin} over numeter-storage's munin fixture (two hosts, three problems). */
class ImportMuninCommandTest {
    @TempDir
    Path dir;
    Path munin;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void copyFixture() throws IOException {
        munin = dir.resolve("munin");
        // the storage module's fixture; Surefire runs in this module's folder
        Path from = Path.of("../numeter-storage/src/test/resources/munin");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, munin.resolve(from.relativize(p).toString()));
            }
        }
    }

    private int run(String... args) {
        return Numeter.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void importsPrintsOneLinePerHostAndEachProblemAndFailsWhenAnythingFailed() throws IOException {
        int code = run("import-munin", "--munin-dir", munin.toString(), "--set", "data-dir=" + dir.resolve("data"),
                "--set", "storage.archives=munin");

        assertThat(code).as(err.toString()).isEqualTo(1);
        String[] lines = out.toString().split("\n");
        assertThat(lines[0]).isEqualTo("numeter import-munin: " + munin + " into " + dir.resolve("data/rrd")
                + " (munin)");
        assertThat(out.toString())
                .contains("  problem: " + munin.resolve("datafile") + ":16: 'this line is not munin's' is not")
                .contains("  problem: " + munin.resolve("grp/db1-load-load-g.rrd") + ": unreadable: not an rrdtool")
                .containsPattern("hosts 1/2, plugins 4/5, files 4/5, 53 points written, \\d+ s  web1.example.com\n")
                .containsPattern("hosts 2/2, plugins 5/5, files 5/5, 53 points written, \\d+ s  db1\n")
                .containsPattern("done: hosts 2/2, plugins 5/5, files 5/5, 53 points written, \\d+ s;"
                        + " 3 problems, listed above\n$");
        try (RrdStore store = RrdStore.builder(dir.resolve("data/rrd")).open()) {
            assertThat(store.plugins("web1.example.com")).hasSize(3);
        }
    }

    @Test
    void aDryRunWritesNothing() {
        int code = run("import-munin", "--munin-dir", munin.toString(), "--host", "web*", "--dry-run",
                "--set", "data-dir=" + dir.resolve("data"));

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).containsPattern(
                "dry run, nothing written: hosts 1/1, plugins 4/4, files 4/4, 35 points read, \\d+ s; 2 problems");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void refusesADataDirThatAStorageHasOpen() throws IOException {
        try (RrdStore running = RrdStore.builder(dir.resolve("data/rrd")).open()) {
            int code = run("import-munin", "--munin-dir", munin.toString(),
                    "--set", "data-dir=" + dir.resolve("data"));

            assertThat(code).isEqualTo(2);
            assertThat(err.toString()).isEqualTo("numeter import-munin: " + dir.resolve("data/rrd")
                    + " is in use by another storage (it holds " + dir.resolve("data/rrd/.lock")
                    + "); stop it first\n");
            assertThat(running.hosts()).isEmpty();
        }
    }
}
