package org.numeter.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.numeter.config.Config;
import org.numeter.storage.RrdStore;
import org.numeter.storage.munin.MuninImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code numeter import-munin}: a munin master's history into the storage's files, one progress line per host.
 * Run it with the storage stopped: a running storage does not see the imported plugins until it restarts, and both
 * would write the same files.
 */
@Command(name = "import-munin", mixinStandardHelpOptions = true,
        description = "Imports a munin master's history (datafile and RRD files) into the storage's data-dir."
                + " Stop the storage first.")
final class ImportMuninCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--munin-dir", paramLabel = "DIR", defaultValue = "/var/lib/munin",
            description = "munin's dbdir, with 'datafile' and one folder per group (default: ${DEFAULT-VALUE}).")
    Path muninDir;

    @Option(names = "--host", paramLabel = "GLOB", defaultValue = "*",
            description = "Imports only the hosts that match, e.g. 'web*' (default: all).")
    String host;

    @Option(names = "--dry-run", description = "Reads everything and reports problems; writes nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long started = System.nanoTime();
        MuninImport importer = MuninImport.builder(muninDir).hosts(host).progress(new MuninImport.Progress() {
            @Override
            public void update(MuninImport.Counts c, String h, String plugin) {
                if (plugin == null) {
                    out.println(line(c, started, dryRun) + "  " + h);
                }
            }

            @Override
            public void problem(String where, String message) {
                out.println("  problem: " + where + ": " + message);
            }
        }).build();
        MuninImport.Counts done;
        if (dryRun) {
            done = importer.dryRun();
        } else {
            Config config = options.load(Settings.storage(), Map.of());
            RrdStore opened;
            try {
                opened = Roles.rrdStore(config);
            } catch (IOException e) {
                spec.commandLine().getErr().println("numeter import-munin: " + e.getMessage());
                return 2;
            }
            try (RrdStore store = opened) {
                out.println("numeter import-munin: " + muninDir + " into " + store.dataDir()
                        + " (" + store.archives().name() + ")");
                done = importer.into(store);
            }
        }
        out.println((dryRun ? "dry run, nothing written: " : "done: ") + line(done, started, dryRun)
                + (done.failures() == 0 ? "" : "; " + done.failures() + " problems, listed above"));
        return done.failures() == 0 ? 0 : 1;
    }

    /** A dry run counts the known points of munin's finest archives; an import, the archive rows it wrote. */
    static String line(MuninImport.Counts c, long startedNanos, boolean dryRun) {
        long seconds = Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds();
        return String.format(Locale.ROOT, "hosts %d/%d, plugins %d/%d, files %d/%d, %d points %s, %d s",
                c.hostsDone(), c.hosts(), c.pluginsDone(), c.plugins(), c.filesDone(), c.files(), c.rows(),
                dryRun ? "read" : "written", seconds);
    }
}
