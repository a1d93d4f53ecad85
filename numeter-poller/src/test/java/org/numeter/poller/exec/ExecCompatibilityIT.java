package org.numeter.poller.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.numeter.poller.Source;
import org.numeter.poller.UntidySiteContract;
import org.numeter.testkit.UntidyPlugins;

/** The untidy site through the exec source, with the same plugin-conf.d read as munin-node reads it. */
class ExecCompatibilityIT extends UntidySiteContract {

    @Override
    protected Source source(List<String> plugins) throws Exception {
        UntidyPlugins.write(dir.resolve("plugins"), dir.resolve("plugin-conf.d"));
        return new ExecSource(dir.resolve("plugins"), plugins, null, ExecSource.DEFAULT_PARALLELISM, stateDir(),
                dir.resolve("plugin-conf.d"), null, Map.of(), "");
    }

    @Override
    protected Path stateDir() {
        return dir.resolve("state");
    }

    @Override
    protected void assertNoOrphan() throws Exception {
        Path pid = stateDir().resolve("hang.pid");
        assertThat(pid).exists();
        long child = Long.parseLong(Files.readString(pid).strip());
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            Optional<ProcessHandle> p = ProcessHandle.of(child);
            return p.isEmpty() || !p.get().isAlive();
        });
    }
}
