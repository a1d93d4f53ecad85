package org.numeter.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.codec.RecordCodec;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;
import org.numeter.spool.SpoolRecord;
import org.numeter.testkit.MuninNode;

/** The "done": a poller with system, a real munin-node and an exec directory fills its spool from all. */
class PollerIT {
    @TempDir
    Path dir;

    @Test
    void collectsSystemMuninAndExecIntoItsSpool() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path script = plugins.resolve("hello");
        Files.writeString(script, """
                #!/bin/sh
                if [ "$1" = config ]; then echo 'graph_title Hello'; echo 'hello.label hello'; exit 0; fi
                echo 'hello.value 42'
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        MemorySpool spool = new MemorySpool();
        try (MuninNode node = new MuninNode(dir.resolve("node")).stock("cpu", "load").start();
                Poller poller = Poller.builder().host("web1").spool(spool)
                        .source(Sources.create("system", Map.of()), Duration.ofSeconds(1))
                        .source(Sources.create("munin", Map.of("address", node.address(), "host", "munin-host",
                                "plugins", "cpu,load")), Duration.ofSeconds(1), Duration.ofSeconds(10))
                        .source(Sources.create("exec", Map.of("dir", plugins.toString(),
                                "state.dir", dir.resolve("state").toString())), Duration.ofSeconds(1),
                                Duration.ofSeconds(10))
                        .build()) {
            poller.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> hostPlugins(spool).containsAll(Set.of(
                    "web1/cpu", "web1/memory", "web1/load", "munin-host/cpu", "munin-host/load", "web1/hello",
                    "web1/numeter_poller")));
            assertThat(poller.check().ok()).isTrue();
            assertThat(poller.stats()).allSatisfy(s -> {
                assertThat(s.failures()).isZero();
                assertThat(s.timeouts()).isZero();
            });
        }
        List<SampleBatch> hello = batches(spool).stream().filter(b -> b.plugin().equals("hello")).toList();
        assertThat(hello.get(0).values()).containsExactly(Map.entry("hello", 42.0));
        assertThat(hello.get(0).meta().title()).isEqualTo("Hello");
    }

    private static List<SampleBatch> batches(MemorySpool spool) {
        return spool.read(0, 100_000).stream().map(SpoolRecord::payload).map(RecordCodec::decode).toList();
    }

    private static Set<String> hostPlugins(MemorySpool spool) {
        return batches(spool).stream().map(b -> b.host() + "/" + b.plugin()).collect(Collectors.toSet());
    }
}
